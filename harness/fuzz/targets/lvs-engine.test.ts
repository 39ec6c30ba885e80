// The lvs-engine target's properties only mean something if the engine sends frames for them to check.
// After the engine split, the target swapped in a neighbour table the engine's transmit never saw: every
// packet waited for ARP, nothing was sent, and two known findings silently stopped reproducing.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { CORPUS_DIR } from '../corpus.ts';
import { lvsEngineTarget, sentFramesChecked } from './lvs-engine.ts';

describe('lvs-engine fuzz target', () => {
  it.each(['nat-syn', 'nat-udp', 'dr-syn', 'ipip-syn', 'gre-syn', 'nat-syn-then-data', 'nat-syn-then-reply'])('seed %s: the engine sends IPv4 frames and the checks see them', (seed) => {
    const input = new Uint8Array(readFileSync(join(CORPUS_DIR, 'lvs-engine', `${seed}.bin`)));
    const before = sentFramesChecked();
    lvsEngineTarget.check(input);
    expect(sentFramesChecked() - before).toBeGreaterThan(0);
  });

});
