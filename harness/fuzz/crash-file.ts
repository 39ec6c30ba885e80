// A crash as a file: the input bytes, the seed and path fast-check replays it from, the error, and the
// one-line command that re-runs it. Written next to a .bin with the raw input for other tools.
import { createHash } from 'node:crypto';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';

export interface CrashRecord {
  schema: 'fulcrum/fuzz-crash@1';
  target: string;
  kind: 'crash' | 'hang';
  error: string;
  /** fast-check seed and counterexample path (replays the shrunk input from the generator). */
  seed: number;
  path?: string;
  inputBase64: string;
  replay: string;
}

export function writeCrash(dir: string, c: Omit<CrashRecord, 'schema' | 'replay' | 'inputBase64'> & { input: Uint8Array }): string {
  mkdirSync(dir, { recursive: true });
  const id = createHash('sha256').update(c.input).digest('hex').slice(0, 12);
  const file = join(dir, `${c.target}-${c.kind}-${id}.json`);
  const rel = relative(process.cwd(), file).startsWith('..') ? file : relative(process.cwd(), file);
  const record: CrashRecord = {
    schema: 'fulcrum/fuzz-crash@1',
    target: c.target,
    kind: c.kind,
    error: c.error,
    seed: c.seed,
    ...(c.path !== undefined ? { path: c.path } : {}),
    inputBase64: Buffer.from(c.input).toString('base64'),
    replay: `npm run fuzz -- --replay ${rel}`,
  };
  writeFileSync(file, `${JSON.stringify(record, null, 2)}\n`);
  writeFileSync(file.replace(/\.json$/, '.bin'), c.input);
  return file;
}

export function readCrash(file: string): CrashRecord & { input: Uint8Array } {
  const r = JSON.parse(readFileSync(file, 'utf8')) as CrashRecord;
  if (r.schema !== 'fulcrum/fuzz-crash@1') throw new TypeError(`${file}: not a fuzz crash file (schema ${String(r.schema)})`);
  return { ...r, input: new Uint8Array(Buffer.from(r.inputBase64, 'base64')) };
}
