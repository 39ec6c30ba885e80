// Where fulcrum's own programs are on this host: the CLI and the tsx loader that runs TypeScript
// directly (container hosts see them at the same paths through containerPathMapper).
import { fileURLToPath } from 'node:url';

/** bin/fulcrum.js, the CLI (its `serve`, `rs-agent` … commands start the reference's processes). */
export const FULCRUM_BIN = fileURLToPath(new URL('../bin/fulcrum.js', import.meta.url));

/** For `node --import <TSX_LOADER> file.ts`. */
export const TSX_LOADER = fileURLToPath(import.meta.resolve('tsx'));
