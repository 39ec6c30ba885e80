import { describe, expect, it } from 'vitest';
import { pickCertificate } from './tls.ts';

describe('SNI certificate choice', () => {
  const names = [['a.test'], ['b.test', 'www.b.test'], ['*.c.test']];
  it('exact name, case-insensitive', () => {
    expect(pickCertificate(names, 'b.test')).toBe(1);
    expect(pickCertificate(names, 'WWW.B.TEST')).toBe(1);
  });
  it('one-label wildcard, never two labels', () => {
    expect(pickCertificate(names, 'x.c.test')).toBe(2);
    expect(pickCertificate(names, 'y.x.c.test')).toBe(0);
  });
  it('the first when no SNI or no match', () => {
    expect(pickCertificate(names, undefined)).toBe(0);
    expect(pickCertificate(names, 'other.test')).toBe(0);
  });
});
