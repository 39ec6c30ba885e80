// The reference balancer as a bench target: renders lb.yaml (reference/config/schema.ts) and
// runs `node bin/fulcrum.js serve`. Algorithms are whatever the scheduler registry holds now.
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { stringify } from 'yaml';
import { FULCRUM_BIN } from '../../harness/paths.ts';
import type { Scenario, Target, TargetLaunch } from '../../harness/types.ts';
import { schedulerNames } from '../../reference/algorithms/index.ts';
import { version } from '../../reports/schema/index.ts';
import { ALGORITHM_OPTIONS_CAPABILITY } from '../scenarios/types.ts';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const SERVE_COMMAND = `${ROOT}cli/commands/serve.ts`;

export const referenceTarget: Target = {
  name: 'reference',
  capabilities: ['http', 'tcp', ALGORITHM_OPTIONS_CAPABILITY, ...schedulerNames().map((a) => `algorithm:${a}`)],
  async version() {
    return version();
  },
  async available() {
    return existsSync(SERVE_COMMAND) ? { ok: true } : { ok: false, reason: 'the reference daemon (fulcrum serve) is not in this checkout yet' };
  },
  render(s: Scenario): TargetLaunch {
    const config = {
      version: 1,
      listeners: [
        {
          name: 'bench',
          mode: s.mode,
          listen: `${s.listen.host}:${s.listen.port}`,
          algorithm: s.algorithm,
          backends: s.backends.map((b) => ({ id: b.id, address: `${b.host}:${b.port}`, weight: b.weight })),
        },
      ],
    };
    return {
      files: [{ path: 'lb.yaml', content: stringify(config) }],
      command: [process.execPath, FULCRUM_BIN, 'serve', '--config', '{{dir}}/lb.yaml'],
      readyWhen: { tcp: s.listen },
    };
  },
};
