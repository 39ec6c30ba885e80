// The doors between rooms, kept by dependency-cruiser (`npm run lint`, and scripts/test.sh before vitest).
// A room is a top-level folder, plus the low room reports/schema/ that every room reads. Rooms import
// downwards only, and another room only through its door (index.ts; cli's is main.ts):
//
//   cli → bench, suites → harness → reports, docker → reference → reports/schema (the low room)
//
// Rooms on one rank (bench and suites; reports and docker) do not import each other. The low room
// imports only node builtins and npm packages. bin/ is no room: bin/fulcrum.js is the launcher above
// cli, bin/bundle.js a leaf beside the low room (node builtins only) that harness starts programs through.
// harness/hosts/ (what both drivers share) is a room inside harness with its own door, hosts/index.ts.
// Tests (*.test.ts, *.spec.ts) reach into their own room freely and may import any other room in either
// direction (nothing imports a test, so it adds no cycle to what the product loads), but only through
// that room's door, like any other module.
// reference/algorithms stays pure: it imports no node builtin and no npm package (DESIGN, STYLE 12).

const TEST = '\\.(test|spec)\\.ts$';

/** Rank: a room may import rooms of a lower rank only. */
const ROOMS = [
  { name: 'cli', rank: 6, path: '^cli/', door: '^cli/main\\.ts$' },
  { name: 'bench', rank: 5, path: '^bench/', door: '^bench/index\\.ts$' },
  { name: 'suites', rank: 5, path: '^suites/', door: '^suites/index\\.ts$' },
  { name: 'harness', rank: 4, path: '^harness/', door: '^harness/index\\.ts$' },
  { name: 'reports', rank: 3, path: '^reports/(?!schema/)', door: '^reports/index\\.ts$' },
  { name: 'docker', rank: 3, path: '^docker/', door: '^docker/index\\.ts$' },
  { name: 'reference', rank: 2, path: '^reference/', door: '^reference/index\\.ts$' },
  { name: 'schema', rank: 1, path: '^reports/schema/', door: '^reports/schema/index\\.ts$' },
];

const upward = ROOMS.map((room) => ({
  room,
  above: ROOMS.filter((other) => other !== room && other.rank >= room.rank).map((other) => other.path),
}))
  .filter(({ above }) => above.length > 0) // an empty path list would match every module
  .map(({ room, above }) => ({
    name: `upward-from-${room.name}`,
    severity: 'error',
    comment: `${room.name} imports only rooms below it (rank ${room.rank}); tests are exempt`,
    from: { path: room.path, pathNot: TEST },
    to: { path: above },
  }));

const doors = ROOMS.map((room) => ({
  name: `around-${room.name}-door`,
  severity: 'error',
  comment: `other rooms import ${room.name} only through its door`,
  from: { pathNot: room.path },
  to: { path: room.path, pathNot: room.door },
}));

/** Rooms inside a room: the rest of their room reaches them through their own door too. */
const SUBROOMS = [{ name: 'harness-hosts', path: '^harness/hosts/', door: '^harness/hosts/index\\.ts$' }];

const subroomDoors = SUBROOMS.map((room) => ({
  name: `around-${room.name}-door`,
  severity: 'error',
  comment: `${room.name} is reached only through its door, from its own room too`,
  from: { pathNot: room.path },
  to: { path: room.path, pathNot: room.door },
}));

const cycles = ROOMS.map((room) => ({
  name: `cycle-through-${room.name}`,
  severity: 'error',
  comment: `a cycle of imports that leaves ${room.name} and comes back`,
  from: { path: room.path },
  to: { circular: true, via: { pathNot: room.path } },
}));

const bin = [
  {
    name: 'bin-launcher',
    severity: 'error',
    comment: 'bin/fulcrum.js starts cli/main.ts (through bin/bundle.js); nothing imports the launcher',
    from: { path: '^bin/fulcrum\\.js$' },
    to: { path: '^(cli|bench|suites|harness|reports|docker|reference)/', pathNot: '^cli/main\\.ts$' },
  },
  {
    name: 'to-bin-launcher',
    severity: 'error',
    from: {},
    to: { path: '^bin/fulcrum\\.js$' },
  },
  {
    name: 'bin-bundle-leaf',
    severity: 'error',
    comment: 'bin/bundle.js imports only node builtins: every room may start programs through it',
    from: { path: '^bin/bundle\\.js$' },
    to: { path: '^(bin|cli|bench|suites|harness|reports|docker|reference)/' },
  },
];

/** DESIGN and STYLE: schedulers are pure (no I/O, no clock, no Math.random; time and randomness are
 *  passed in), so reference/algorithms imports no node builtin and no npm package at all. */
const pure = [
  {
    name: 'algorithms-pure',
    severity: 'error',
    comment: 'reference/algorithms imports only its own pure modules',
    from: { path: '^reference/algorithms/', pathNot: TEST },
    to: { dependencyTypes: ['core', 'npm', 'npm-dev', 'npm-optional', 'npm-peer', 'npm-bundled', 'npm-no-pkg', 'npm-unknown'] },
  },
];

/** @type {import('dependency-cruiser').IConfiguration} */
module.exports = {
  forbidden: [...upward, ...doors, ...subroomDoors, ...cycles, ...bin, ...pure],
  options: {
    doNotFollow: { path: 'node_modules' },
    exclude: { path: '(^|/)(build|fulcrum-out)/' },
    // type-only imports couple rooms as much as value imports
    tsPreCompilationDeps: true,
    enhancedResolveOptions: { extensions: ['.ts', '.js', '.d.ts', '.json'] },
  },
};
