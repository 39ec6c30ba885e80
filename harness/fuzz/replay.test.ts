// Regression: every saved crash (harness/fuzz/crashes/*.json) passes now; every known finding's reproducer
// (corpus/<target>/finding-<id>.bin) still shows that finding — when it stops, its fix landed: remove the entry;
// the reproducer of every finding no longer listed passes, so a fixed finding stays fixed.
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { CORPUS_DIR, CRASH_DIR } from './corpus.ts';
import { readCrash } from './crash-file.ts';
import { knownFinding, knownFindings } from './known-findings.ts';
import { replayCrash } from './replay.ts';
import { fuzzTarget, fuzzTargets } from './targets/index.ts';

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
  if (knownFindings.length === 0) it.skip('no known findings open', () => {});
  else it.each(knownFindings.map((k) => [k.id, k] as const))('%s', (_id, k) => {
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

const fixedFindings = fuzzTargets.flatMap((t) =>
  existsSync(join(CORPUS_DIR, t.name))
    ? readdirSync(join(CORPUS_DIR, t.name))
        .filter((f) => /^finding-.*\.bin$/.test(f) && !knownFindings.some((k) => k.target === t.name && f === `finding-${k.id}.bin`))
        .map((f) => [`${t.name}/${f}`, t.name, f] as const)
    : [],
);

describe('fixed findings stay fixed (their reproducers pass)', () => {
  it('the fixed findings are all here', () => {
    expect(fixedFindings.map(([name]) => name).sort()).toEqual(
      [
        'l7-head/finding-connection-drops-framing.bin',
        'l7-head/finding-connection-drops-host.bin',
        'l7-head/finding-status-not-three-digits.bin',
        'lvs-engine/finding-forwards-truncated-packet.bin',
        'lvs-engine/finding-segments-bad-tcp-header.bin',
      ].sort(),
    );
  });
  it.each(fixedFindings)('%s', (_name, target, file) => {
    const input = new Uint8Array(readFileSync(join(CORPUS_DIR, target, file)));
    expect(() => fuzzTarget(target).check(input)).not.toThrow();
  });
});
