// The import-boundary rule (.dependency-cruiser.cjs): it passes on the tree, and a small tree of rooms
// shows that it fails on each thing it forbids (an upward import, a reach around a door, a cycle between
// rooms) and lets tests be tests.
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const CONFIG = join(ROOT, '.dependency-cruiser.cjs');
const CRUISER = join(ROOT, 'node_modules', 'dependency-cruiser', 'bin', 'dependency-cruise.mjs');
const ROOMS = ['bin', 'cli', 'bench', 'suites', 'harness', 'docker', 'reports', 'reference'];

interface Violation {
  rule: { name: string };
  from: string;
  to: string;
}

function depcruise(cwd: string, outputType: 'json' | 'err') {
  return spawnSync(process.execPath, [CRUISER, '--config', CONFIG, '--output-type', outputType, ...ROOMS], {
    cwd,
    encoding: 'utf8',
    timeout: 120_000,
    maxBuffer: 256 * 1024 * 1024,
  });
}

/** The violations as "rule from → to", read from the JSON reporter (which exits 0 either way). */
function violations(cwd: string): string[] {
  const run = depcruise(cwd, 'json');
  expect(run.stderr).toBe('');
  const out = JSON.parse(run.stdout) as { summary: { violations: Violation[] } };
  return [...new Set(out.summary.violations.map((v) => `${v.rule.name} ${v.from} → ${v.to}`))].sort();
}

/** What every room of the small tree imports when it keeps the rules. */
const CLEAN: Record<string, string> = {
  'bin/fulcrum.js': "import './bundle.js';\nawait import('../cli/main.ts');\n",
  'bin/bundle.js': "import { join } from 'node:path';\nexport const where = join('a', 'b');\n",
  'cli/main.ts': "import { bench } from '../bench/index.ts';\nimport { suite } from '../suites/index.ts';\nexport const main = [bench, suite];\n",
  'cli/commands/run.ts': "import { harness } from '../../harness/index.ts';\nexport const run = harness;\n",
  'bench/index.ts': "import { harness } from '../harness/index.ts';\nimport { reports } from '../reports/index.ts';\nexport const bench = [harness, reports];\n",
  'suites/index.ts': "import { harness } from '../harness/index.ts';\nexport const suite = harness;\n",
  'harness/index.ts': "export { harness } from './local/driver.ts';\n",
  'harness/hosts/index.ts': "export { client } from './client.ts';\n",
  'harness/hosts/client.ts': "import { reports } from '../../reports/index.ts';\nexport const client = reports;\n",
  'harness/local/driver.ts':
    "import { reports } from '../../reports/index.ts';\nimport { docker } from '../../docker/index.ts';\nimport { reference } from '../../reference/index.ts';\nimport { where } from '../../bin/bundle.js';\nimport { client } from '../hosts/index.ts';\nexport const harness = [reports, docker, reference, where, client];\n",
  'harness/local/driver.test.ts': "import { harness } from './driver.ts';\nimport { suite } from '../../suites/index.ts';\nexport const t = [harness, suite];\n",
  'reports/index.ts': "import { schema } from './schema/index.ts';\nimport { reference } from '../reference/index.ts';\nexport const reports = [schema, reference];\n",
  'reports/schema/index.ts': "export { schema } from './results.ts';\n",
  'reports/schema/results.ts': "import { z } from 'zod';\nexport const schema = z;\n",
  'docker/index.ts': "import type { Results } from '../reports/schema/index.ts';\nexport const docker = 1 as unknown as Results;\n",
  'reference/index.ts': "import { schema } from '../reports/schema/index.ts';\nexport const reference = schema;\n",
  'node_modules/zod/package.json': '{ "name": "zod", "version": "4.0.0", "main": "index.js" }\n',
  'node_modules/zod/index.js': 'export const z = {};\n',
  'reference/algorithms/rr.ts': "import { reference } from '../index.ts';\nexport const rr = reference;\n",
};

describe('the import-boundary rule', () => {
  let dir: string | undefined;
  afterEach(() => {
    if (dir) rmSync(dir, { recursive: true, force: true });
    dir = undefined;
  });

  /** The small tree with `plant` written over it; returns the rules that fired, as "rule from → to". */
  function cruisePlanted(plant: Record<string, string>): string[] {
    dir = mkdtempSync(join(tmpdir(), 'fulcrum-doors-'));
    for (const [path, text] of Object.entries({ ...CLEAN, ...plant })) {
      mkdirSync(dirname(join(dir, path)), { recursive: true });
      writeFileSync(join(dir, path), text);
    }
    return violations(dir);
  }

  it('passes on the tree', () => {
    expect(violations(ROOT)).toEqual([]);
  });

  it('passes on a small tree that keeps the rules (so what fails below fails for the plant)', () => {
    expect(cruisePlanted({})).toEqual([]);
  });

  it('fails on an upward import', () => {
    expect(cruisePlanted({ 'reports/plant.ts': "import { harness } from '../harness/index.ts';\nexport const p = harness;\n" })).toEqual([
      'upward-from-reports reports/plant.ts → harness/index.ts',
    ]);
    // and the lint command (the err reporter) exits non-zero, naming the rule
    const lint = depcruise(dir!, 'err');
    expect(lint.status).not.toBe(0);
    expect(lint.stdout).toContain('upward-from-reports');
  });

  it('fails when the low room imports any room, or one room imports its sibling', () => {
    expect(
      cruisePlanted({
        'reports/schema/plant.ts': "import { reference } from '../../reference/index.ts';\nexport const p = reference;\n",
        'bench/plant.ts': "import { suite } from '../suites/index.ts';\nexport const p = suite;\n",
      }),
    ).toEqual(['upward-from-bench bench/plant.ts → suites/index.ts', 'upward-from-schema reports/schema/plant.ts → reference/index.ts']);
  });

  it('fails on a reach around a door, for the low room, the hosts room inside harness, and from tests too', () => {
    expect(
      cruisePlanted({
        'suites/plant.ts': "import { harness } from '../harness/local/driver.ts';\nexport const p = harness;\n",
        'reference/plant.ts': "import { schema } from '../reports/schema/results.ts';\nexport const p = schema;\n",
        'suites/plant.test.ts': "import { harness } from '../harness/local/driver.ts';\nexport const p = harness;\n",
        'harness/local/plant.ts': "import { client } from '../hosts/client.ts';\nexport const p = client;\n",
      }),
    ).toEqual([
      'around-harness-door suites/plant.test.ts → harness/local/driver.ts',
      'around-harness-door suites/plant.ts → harness/local/driver.ts',
      'around-harness-hosts-door harness/local/plant.ts → harness/hosts/client.ts',
      'around-schema-door reference/plant.ts → reports/schema/results.ts',
    ]);
  });

  it('fails on a cycle between rooms', () => {
    const fired = cruisePlanted({
      'reference/index.ts': "import { schema } from '../reports/schema/index.ts';\nimport { reports } from '../reports/index.ts';\nexport const reference = [schema, reports];\n",
    });
    expect(fired).toContain('upward-from-reference reference/index.ts → reports/index.ts');
    expect(fired).toContain('cycle-through-reports reports/index.ts → reference/index.ts');
    expect(fired).toContain('cycle-through-reference reference/index.ts → reports/index.ts');
  });

  it('fails when a scheduler reaches for I/O or a package (algorithms stay pure; their tests may)', () => {
    expect(
      cruisePlanted({
        'reference/algorithms/plant.ts': "import { connect } from 'node:net';\nimport { z } from 'zod';\nexport const p = [connect, z];\n",
        'reference/algorithms/plant.test.ts': "import { readFileSync } from 'node:fs';\nexport const t = readFileSync;\n",
      }),
    ).toEqual(['algorithms-pure reference/algorithms/plant.ts → net', 'algorithms-pure reference/algorithms/plant.ts → node_modules/zod/index.js']);
  });

  it('fails when the launcher is imported or bin/bundle.js imports a room', () => {
    expect(
      cruisePlanted({
        'cli/plant.ts': "import '../bin/fulcrum.js';\n",
        'bin/bundle.js': "import { schema } from '../reports/schema/index.ts';\nexport const where = schema;\n",
      }),
    ).toEqual(['bin-bundle-leaf bin/bundle.js → reports/schema/index.ts', 'to-bin-launcher cli/plant.ts → bin/fulcrum.js']);
  });
});
