// DELIBERATELY BROKEN L7 target for the security suite's tests: the naive proxy in
// naive-l7-proxy.ts, in front of the scenario's first backend. Claims http only.
import { fileURLToPath } from 'node:url';
import { TSX_LOADER } from '../../paths.ts';
import type { Scenario, Target } from '../../types.ts';

const MAIN = fileURLToPath(new URL('./naive-l7-main.ts', import.meta.url));

export const naiveL7Target: Target = {
  name: 'broken-naive-l7',
  capabilities: ['http'],
  version: async () => 'naive',
  available: async () => ({ ok: true }),
  render(s: Scenario) {
    const b = s.backends[0];
    if (!b || s.mode !== 'http') throw new Error('the naive proxy does http to one backend only');
    return { files: [], command: [process.execPath, '--import', TSX_LOADER, MAIN, `${s.listen.host}:${s.listen.port}`, `${b.host}:${b.port}`] };
  },
};
