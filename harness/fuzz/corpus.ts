// The seed corpus: small files under harness/fuzz/corpus/<target>/, read once per run.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const CORPUS_DIR = fileURLToPath(new URL('./corpus/', import.meta.url));
export const CRASH_DIR = fileURLToPath(new URL('./crashes/', import.meta.url));

export function loadSeeds(target: string, dir = CORPUS_DIR): Uint8Array[] {
  let names: string[];
  try {
    names = readdirSync(join(dir, target)).sort();
  } catch {
    return [];
  }
  return names.map((n) => new Uint8Array(readFileSync(join(dir, target, n))));
}
