// The error catalogue: every stable error code fulcrum throws or answers with, what it means, and how a
// user meets it (the command, and its exit code or the HTTP status). README's "Error codes" lists the same
// codes; reports/schema/errors.test.ts fails when a code in the sources is missing here, or one here is
// used nowhere. Exit codes (cli/exit.ts): 1 something failed, 2 bad usage or config the user must fix, 130 stopped by Ctrl-C.

export interface CatalogueEntry {
  readonly code: string;
  /** One line: what went wrong. */
  readonly meaning: string;
  /** The commands that meet it. */
  readonly where: string;
  /** How it surfaces: the command's exit code, or the HTTP status an API or proxy answers with. */
  readonly surfaces: { readonly exit: 1 | 2 | 130 } | { readonly http: number };
}

const exit1 = { exit: 1 } as const;
const exit2 = { exit: 2 } as const;

export const ERROR_CATALOGUE: readonly CatalogueEntry[] = [
  // the command line and the files a user hands it
  { code: 'FULCRUM_ERR_USAGE', meaning: 'bad command-line usage: a flag, a name or a file the user must fix', where: 'every command', surfaces: exit2 },
  { code: 'FULCRUM_ERR_CONFIG', meaning: 'a config, scenario or topology file is unreadable or invalid; the message names the file, the field and the problem', where: 'serve, bench --scenario, simulate --scenario, conformance', surfaces: exit2 },
  { code: 'FULCRUM_ERR_GATE_INPUT', meaning: 'a gate input is not a bench@1 or micro@1 results file, or the inputs mix the two', where: 'gate', surfaces: exit2 },
  { code: 'FULCRUM_ERR_REPORT_INPUT', meaning: 'a report input is not a bench@1 or results@1 file', where: 'report', surfaces: exit2 },
  { code: 'FULCRUM_ERR_UNKNOWN_TARGET', meaning: 'no built-in target has that name and it is no path to a target file', where: 'conformance, matrix', surfaces: exit2 },
  { code: 'FULCRUM_ERR_UNKNOWN_DRIVER', meaning: 'no topology driver has that name (local, containers)', where: 'conformance, matrix', surfaces: exit2 },
  { code: 'FULCRUM_ERR_TARGET_RENDER', meaning: 'a target file has no mapping for the scenario\'s algorithm, or does not claim its mode', where: 'conformance, matrix, bench', surfaces: exit1 },
  // starting hosts, processes and containers
  { code: 'FULCRUM_ERR_TOPOLOGY_START', meaning: 'the balancer did not come up, or a host could not start; the message carries the tail of its output', where: 'conformance, matrix, bench', surfaces: exit1 },
  { code: 'FULCRUM_ERR_PORT_RESERVATION', meaning: 'no free port could be reserved below the ephemeral range on a loopback address (local driver)', where: 'conformance, matrix, bench', surfaces: exit1 },
  { code: 'FULCRUM_ERR_BACKEND_START', meaning: 'a backend agent did not start or report ready in time', where: 'conformance, matrix, bench', surfaces: exit1 },
  { code: 'FULCRUM_ERR_SPAWN', meaning: 'a local process could not be started', where: 'conformance, matrix, bench', surfaces: exit1 },
  { code: 'FULCRUM_ERR_REMOTE_SPAWN', meaning: 'a process inside a host container could not be started', where: 'conformance --driver containers, bench', surfaces: exit1 },
  { code: 'FULCRUM_ERR_NETWORK', meaning: 'an internal container network (inside 198.18.0.0/15) could not be created', where: 'conformance --driver containers, bench', surfaces: exit1 },
  { code: 'FULCRUM_ERR_NO_ENGINE', meaning: 'no Docker engine answers; run bash docker/ensure-engine.sh', where: 'conformance --driver containers, bench, clean', surfaces: exit1 },
  { code: 'FULCRUM_ERR_IMAGE', meaning: 'the host image is missing or FULCRUM_IMAGE names an image the engine lacks', where: 'conformance --driver containers, bench', surfaces: exit1 },
  // benchmarks
  { code: 'FULCRUM_ERR_BENCH_STOPPED', meaning: 'a bench run was stopped by Ctrl-C or SIGTERM: everything it started is closed and nothing new starts', where: 'bench', surfaces: { exit: 130 } },
  { code: 'FULCRUM_ERR_GENERATOR_MISSING', meaning: 'the load generator chosen with --generator (wrk, h2load) is not installed; the message names it and how to install it', where: 'bench', surfaces: exit1 },
  { code: 'FULCRUM_ERR_NON_LOOPBACK', meaning: 'a load generator was pointed outside loopback and the project\'s own 198.18.0.0/15 hosts, and refused', where: 'bench', surfaces: exit1 },
  // the reference balancer
  { code: 'FULCRUM_ERR_LISTEN', meaning: 'a listener or the admin endpoint could not bind its address', where: 'serve', surfaces: exit1 },
  { code: 'FULCRUM_ERR_POOL', meaning: 'a pool change names no backend, repeats one, or gives a weight that is no non-negative integer', where: 'serve (admin API, discovery)', surfaces: exit1 },
  { code: 'FULCRUM_ERR_SCHEDULER_OPTION', meaning: 'an algorithm option the scheduler cannot take; serve reports it as FULCRUM_ERR_CONFIG naming the field', where: 'serve', surfaces: exit2 },
  { code: 'FULCRUM_ERR_TLS_CONFIG', meaning: 'a TLS certificate or key file that cannot be read or used; serve reports it as FULCRUM_ERR_CONFIG naming the field', where: 'serve', surfaces: exit2 },
  { code: 'FULCRUM_ERR_KEY_CONFIG', meaning: 'a hash key setting that cannot be extracted; serve reports it as FULCRUM_ERR_CONFIG naming the field', where: 'serve', surfaces: exit2 },
  { code: 'FULCRUM_ERR_CONNECT_TIMEOUT', meaning: 'the L7 proxy could not connect to a backend within timeouts.connect', where: 'serve (L7 proxy)', surfaces: { http: 504 } },
  { code: 'FULCRUM_ERR_RESPONSE_TIMEOUT', meaning: 'a backend sent no response within timeouts.response', where: 'serve (L7 proxy)', surfaces: { http: 504 } },
  { code: 'FULCRUM_ERR_IDLE_TIMEOUT', meaning: 'a backend connection stayed idle longer than timeouts.idle', where: 'serve (L7 proxy)', surfaces: { http: 504 } },
  // the LVS packet engine and its admin API
  { code: 'FULCRUM_ERR_LVS_UNKNOWN_SERVICE', meaning: 'the LVS admin API was asked for a service it does not have', where: 'LVS admin API', surfaces: { http: 404 } },
  { code: 'FULCRUM_ERR_LVS_UNKNOWN_SERVER', meaning: 'the LVS admin API was asked for a real server the service does not have', where: 'LVS admin API', surfaces: { http: 404 } },
  { code: 'FULCRUM_ERR_LVS_INVALID_SERVER', meaning: 'a real server that does not fit its service (the message names the field)', where: 'LVS admin API', surfaces: { http: 400 } },
  { code: 'FULCRUM_ERR_LVS_DUPLICATE_SERVER', meaning: 'a real server with that id already exists in the service', where: 'LVS admin API', surfaces: { http: 409 } },
  { code: 'FULCRUM_ERR_LVS_BPF_SIZE', meaning: 'the socket filter for the services would be too long (its jump offsets are 8-bit)', where: 'LVS admin API', surfaces: { http: 409 } },
  { code: 'FULCRUM_ERR_LVS_ADMIN_BAD_REQUEST', meaning: 'an LVS admin request body that is not valid JSON of the right shape', where: 'LVS admin API', surfaces: { http: 400 } },
  { code: 'FULCRUM_ERR_LVS_ADMIN_NOT_FOUND', meaning: 'no LVS admin endpoint at that path', where: 'LVS admin API', surfaces: { http: 404 } },
  { code: 'FULCRUM_ERR_LVS_ADMIN_METHOD', meaning: 'an LVS admin endpoint does not take that HTTP method (Allow lists those it does)', where: 'LVS admin API', surfaces: { http: 405 } },
  { code: 'FULCRUM_ERR_LVS_ADMIN_INTERNAL', meaning: 'the LVS admin API failed while applying a request', where: 'LVS admin API', surfaces: { http: 500 } },
  { code: 'FULCRUM_ERR_LVS_LINK', meaning: 'an LVS link\'s interface is missing or has no IPv4 address, or a real server gave no ARP answer', where: 'the LVS daemon', surfaces: exit1 },
  { code: 'FULCRUM_ERR_LVS_NATIVE_MISSING', meaning: 'the native AF_PACKET addon is not built (npm ci builds it with node-gyp)', where: 'the LVS daemon, rs-agent', surfaces: exit1 },
  { code: 'FULCRUM_ERR_LVS_ADDRESS', meaning: 'a MAC or IP address that does not parse', where: 'the LVS daemon', surfaces: exit1 },
  { code: 'FULCRUM_ERR_LVS_NETNS', meaning: 'a network-namespace test topology could not be built', where: 'LVS namespace tests and measurements', surfaces: exit1 },
  // fuzzing (harness/fuzz): in crash files and the run's summary, never thrown out of the command
  { code: 'FULCRUM_ERR_FUZZ_PROPERTY', meaning: 'a fuzz input broke a property of its target; the input, seed and replay command are saved as a crash file', where: 'npm run fuzz, the short fuzz run of npm test', surfaces: exit1 },
  { code: 'FULCRUM_ERR_FUZZ_HANG', meaning: 'a fuzz input took longer than --hang-ms twice, or never returned (the watchdog ended its worker); saved as a crash file', where: 'npm run fuzz, the short fuzz run of npm test', surfaces: exit1 },
];

