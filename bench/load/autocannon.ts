// autocannon (in-process, the default generator): the closed loop of closed-loop.ts behind the
// generator interface. It runs on fulcrum's own event loop, so it cannot be pinned apart from the
// run's other work; with closeConnections closed-loop.ts uses its own new-connection loop.
import { createRequire } from 'node:module';
import { runClosedLoop } from './closed-loop.ts';
import type { LoadGenerator } from './generator.ts';

export const autocannonGenerator: LoadGenerator = {
  name: 'autocannon',
  pinnable: false,
  async version() {
    const pkg = createRequire(import.meta.url)('autocannon/package.json') as { version?: string };
    return `autocannon ${pkg.version ?? '(version unknown)'}`;
  },
  run(opts) {
    return runClosedLoop({ url: opts.url, connections: opts.connections, durationMs: opts.durationMs, ...(opts.timeoutMs ? { timeoutMs: opts.timeoutMs } : {}), ...(opts.ownHosts ? { ownHosts: opts.ownHosts } : {}), ...(opts.closeConnections ? { closeConnections: true } : {}) });
  },
};
