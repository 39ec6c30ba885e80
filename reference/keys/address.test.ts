import { describe, expect, it } from 'vitest';
import { addressBytes } from './address.ts';

const hex = (b: Uint8Array | undefined) => (b ? Buffer.from(b).toString('hex') : undefined);

describe('addressBytes', () => {
  it('reads IPv4 and folds IPv4-mapped IPv6 to it', () => {
    expect(hex(addressBytes('10.1.2.3'))).toBe('0a010203');
    expect(hex(addressBytes('::ffff:10.1.2.3'))).toBe('0a010203');
    expect(hex(addressBytes('::ffff:a01:203'))).toBe('0a010203');
  });

  it('reads IPv6 spellings to the same bytes', () => {
    const one = '00000000000000000000000000000001';
    expect(hex(addressBytes('::1'))).toBe(one);
    expect(hex(addressBytes('0:0::1'))).toBe(one);
    expect(hex(addressBytes('[::1]'))).toBe(one);
    expect(hex(addressBytes('fe80::1%eth0'))).toBe('fe800000000000000000000000000001');
    expect(hex(addressBytes('2001:db8:0:0:0:0:2:1'))).toBe('20010db8000000000000000000020001');
  });

  it('rejects what is not an address', () => {
    for (const bad of ['', '1.2.3', '1.2.3.256', 'a.b.c.d', '1::2::3', '1:2:3:4:5:6:7', '12345::', 'host']) {
      expect(addressBytes(bad), bad).toBeUndefined();
    }
  });
});
