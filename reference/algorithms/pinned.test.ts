// Pick sequences pinned on a fixed seed, for the schedulers whose pick paths were rewritten for
// speed (ring, p2c, wrandom, lblc, lblcr). A churning pool — active counts that rise with each
// pick and fall at random, backends that go down and come back, avoided backends, keys that
// repeat, time that jumps past expiry, pool updates that drop, re-add and re-create backends —
// drives each scheduler through its slow paths as well as its fast one. The checksums were taken
// from the implementation before the rewrite: any change in what is picked shows here.
import { describe, expect, it } from 'vitest';
import { churn, fnv } from './testkit.ts';
import type { SchedulerOptions } from './types.ts';

const pinned: Array<[string, SchedulerOptions | undefined, number, string, string]> = [
  // name, options, pool size, first 12 picks, checksum of 4000 picks
  ['ring', undefined, 23, 'b011 b014 b002 b015 b002 b004 b019 b009 b008 b003 b014 b016', 'afc7f5d2'],
  ['ring', undefined, 300, 'b034 b296 b112 b128 b023 b263 b229 b125 b289 b299 b143 b143', 'afb06953'],
  ['ring', { pointsPerWeight: 4 }, 300, 'b247 b094 b053 b251 b159 b049 b088 b121 b096 b254 b143 b143', '3c836040'],
  ['ring', { hash: 'md5', ringSize: 97 }, 23, 'b008 b014 b008 b007 b017 b019 b014 b017 b004 b010 b014 b007', '10838817'],
  ['p2c', undefined, 23, 'b004 b012 b008 b014 b012 b018 b009 b003 b011 b013 b022 b012', '939ef525'],
  ['p2c', { choices: 3 }, 300, 'b159 b057 b196 b064 b122 b143 b143 b164 b084 b227 b156 b279', '8219d189'],
  ['p2c', { draws: 'distinct' }, 7, 'b003 b004 b003 b003 b002 b000 b002 b001 b003 b003 b000 b006', '72efe7f1'],
  ['p2c', { draws: 'distinct', choices: 4 }, 23, 'b004 b012 b003 b011 b007 b017 b012 b013 b002 b015 b018 b003', 'eb63d3cd'],
  ['wrandom', undefined, 300, 'b063 b159 b233 b158 b103 b057 b196 b183 b159 b064 b159 b247', '92655381'],
  ['lblc', undefined, 23, 'b003 b007 b011 b017 b019 b002 b003 b007 b010 b012 b007 b015', '460657cc'],
  ['lblc', { maxEntries: 40, expirationMs: 3000 }, 23, 'b003 b007 b011 b017 b019 b002 b003 b007 b010 b012 b007 b015', 'fe25dcf9'],
  ['lblcr', undefined, 23, 'b003 b007 b011 b017 b019 b002 b003 b007 b010 b012 b007 b015', '4f3c5082'],
  ['lblcr', { maxEntries: 40, expirationMs: 1500 }, 7, 'b003 b004 b005 b001 b002 b003 b005 b006 b012 b012 b000 b001', '8a14cb96'],
  ['lblcr', { maxEntries: 12, expirationMs: 3000 }, 23, 'b003 b007 b011 b017 b019 b002 b003 b007 b010 b012 b007 b015', '49782c87'],
];

describe.each(pinned)('%s %j over a churning pool of %i', (name, options, n, head, sum) => {
  it('picks the pinned sequence', () => {
    const { ids, none } = churn(name, options, n, 4000, 20261204);
    expect(none).toBeLessThan(ids.length / 10); // the run really picks (undefined: nothing eligible then)
    expect(new Set(ids).size).toBeGreaterThan(Math.min(n, 5)); // and spreads
    expect(ids.slice(0, 12).join(' ')).toBe(head);
    expect(fnv(ids)).toBe(sum);
  });
});
