// DELIBERATELY BROKEN HTTP/2 target (pinned-h2-main.ts): claims tls and http2, then shows one
// certificate for every SNI name, offers only h2, and pins each client connection to one backend.
import { fileURLToPath } from 'node:url';
import { TSX_LOADER } from '../../paths.ts';
import type { Scenario, Target } from '../../types.ts';
import { tlsFiles } from '../tls-files.ts';

const MAIN = fileURLToPath(new URL('./pinned-h2-main.ts', import.meta.url));

export const pinnedH2Target: Target = {
  name: 'broken-pinned-h2',
  capabilities: ['http', 'tls', 'http2', 'algorithm:rr'],
  version: async () => 'pinned',
  available: async () => ({ ok: true }),
  render(s: Scenario) {
    if (!s.tls) throw new Error('the pinned HTTP/2 balancer serves TLS only');
    return {
      files: tlsFiles(s),
      command: [process.execPath, '--import', TSX_LOADER, MAIN, `${s.listen.host}:${s.listen.port}`, '{{dir}}', ...s.backends.map((b) => `${b.host}:${b.port}`)],
    };
  },
};
