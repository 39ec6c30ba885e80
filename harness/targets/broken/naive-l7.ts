// DELIBERATELY BROKEN L7 targets for the security suite's tests, in front of the scenario's first
// backend: the naive proxy (naive-l7-proxy.ts), which claims the timeouts, the connection cap and the health checks it
// does not honour (so the slow-client and exhaustion checks run and fail rather than skip), and the
// serial proxy (serial-l7-proxy.ts), which serves one request at a time. Both claim http.
import { fileURLToPath } from 'node:url';
import { TSX_LOADER } from '../../paths.ts';
import type { Scenario, Target } from '../../types.ts';

const NAIVE_MAIN = fileURLToPath(new URL('./naive-l7-main.ts', import.meta.url));
const SERIAL_MAIN = fileURLToPath(new URL('./serial-l7-main.ts', import.meta.url));

function firstBackend(s: Scenario): string {
  const b = s.backends[0];
  if (!b || s.mode !== 'http') throw new Error('the broken L7 proxies do http to one backend only');
  return `${b.host}:${b.port}`;
}

export const naiveL7Target: Target = {
  name: 'broken-naive-l7',
  capabilities: ['http', 'health:http', 'timeout:header', 'timeout:response', 'timeout:idle', 'limit:connections'],
  version: async () => 'naive',
  available: async () => ({ ok: true }),
  render(s: Scenario) {
    const timeout = s.timeouts?.responseMs;
    return { files: [], command: [process.execPath, '--import', TSX_LOADER, NAIVE_MAIN, `${s.listen.host}:${s.listen.port}`, firstBackend(s), ...(timeout ? [String(timeout)] : [])] };
  },
};

export const serialL7Target: Target = {
  name: 'broken-serial-l7',
  capabilities: ['http'],
  version: async () => 'serial',
  available: async () => ({ ok: true }),
  render: (s: Scenario) => ({ files: [], command: [process.execPath, '--import', TSX_LOADER, SERIAL_MAIN, `${s.listen.host}:${s.listen.port}`, firstBackend(s)] }),
};
