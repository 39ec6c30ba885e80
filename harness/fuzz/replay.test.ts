// Regression: every saved crash (harness/fuzz/crashes/*.json) passes now; every known finding's reproducer
// (corpus/<target>/finding-<id>.bin) still shows that finding — when it stops, its fix landed: remove the entry.
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { CORPUS_DIR, CRASH_DIR } from './corpus.ts';
import { readCrash } from './crash-file.ts';
import { knownFinding, knownFindings } from './known-findings.ts';
import { replayCrash } from './replay.ts';
import { fuzzTarget } from './targets/index.ts';

const crashFiles = existsSync(CRASH_DIR) ? readdirSync(CRASH_DIR).filter((f) => f.endsWith('.json')) : [];

describe('saved fuzz crashes replay clean', () => {
  if (crashFiles.length === 0) it.skip('no crash files saved in harness/fuzz/crashes', () => {});
  else
    it.each(crashFiles)('%s', (name) => {
      const c = readCrash(join(CRASH_DIR, name));
      expect(replayCrash(c.target, c.input)).toEqual({ ok: true });
    });
});

describe('known findings still reproduce (remove an entry when its fix lands)', () => {
  it.each(knownFindings.map((k) => [k.id, k] as const))('%s', (_id, k) => {
    const file = join(CORPUS_DIR, k.target, `finding-${k.id}.bin`);
    const input = new Uint8Array(readFileSync(file));
    let thrown: unknown;
    try {
      fuzzTarget(k.target).check(input);
    } catch (err) {
      thrown = err;
    }
    expect(thrown, `${file} no longer fails: ${k.owner} fixed it? then delete "${k.id}" from known-findings.ts`).toBeDefined();
    expect(knownFinding(k.target, thrown)?.id).toBe(k.id);
  });
});
