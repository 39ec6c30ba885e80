// The argv that runs one of fulcrum's own TypeScript programs (an agent, a backend host) as a process:
// from the cached bundle when it builds, else through tsx. See bin/bundle.js for why.
import { fileURLToPath } from 'node:url';
import { bundledEntry } from '../bin/bundle.js';

const ROOT = new URL('../', import.meta.url);

export async function nodeCommand(entry: string): Promise<string[]> {
  if (process.env.FULCRUM_NO_BUNDLE !== '1') {
    try {
      return [process.execPath, await bundledEntry(entry)];
    } catch {
      // fall through to tsx, which reports source errors with their real positions
    }
  }
  return [process.execPath, '--import', import.meta.resolve('tsx'), fileURLToPath(new URL(entry, ROOT))];
}
