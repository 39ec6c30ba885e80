import { describe, expect, it } from 'vitest';
import { buildProxyHeader, parseProxyHeader, V2_SIGNATURE } from './proxy-header.ts';

const src = { address: '198.19.1.10', port: 40000 };
const dst = { address: '198.19.1.100', port: 80 };
const v1 = (line: string) => parseProxyHeader(Buffer.from(line, 'latin1'));

describe('parseProxyHeader', () => {
  it('reads v1 and v2 headers the harness builds, and leaves other streams alone', () => {
    for (const version of [1, 2] as const) {
      const h = buildProxyHeader(version, src, dst);
      const r = parseProxyHeader(Buffer.concat([h, Buffer.from('GET / HTTP/1.1\r\n')]));
      expect(r).toMatchObject({ kind: 'header', consumed: h.length, header: { version, source: src, destination: dst } });
    }
    expect(v1('GET / HTTP/1.1\r\n').kind).toBe('none');
    expect(v1('PROXY TCP4 198.19').kind).toBe('need-more');
    expect(v1('PROXY UNKNOWN ffff::1 whatever\r\n')).toMatchObject({ kind: 'header', header: { kind: 'UNKNOWN' } });
    expect(v1('PROXY TCP6 ::ffff:127.10.0.1 ::1 1 65535\r\n')).toMatchObject({ kind: 'header', header: { source: { address: '::ffff:127.10.0.1', port: 1 } } });
  });

  // Fuzz findings (harness/fuzz, target proxy-header): these were taken as headers with these endpoints.
  it.each([
    ['an IPv4 field that is not an address', 'PROXY TCP4 198.19/1.10 198.19.1.100 40000 80\r\n'],
    ['an IPv6 address under TCP4', 'PROXY TCP4 ::ffff:198.19.1.10 198.19.1.100 40000 80\r\n'],
    ['an IPv4 address under TCP6', 'PROXY TCP6 198.19.1.10 198.19.1.100 40000 80\r\n'],
    ['an IPv6 zone id', 'PROXY TCP6 fe80::1%eth0 ::1 1 2\r\n'],
    ['a port past 65535', 'PROXY TCP6 ::ffff:127.10.0.1 ::1 1 75535\r\n'],
    ['a port that is not a number', 'PROXY TCP4 198.19.1.10 198.19.1.100 4000/ 80\r\n'],
    ['a port with a sign or leading zero', 'PROXY TCP4 198.19.1.10 198.19.1.100 +1 080\r\n'],
    ['an empty address', 'PROXY TCP6  ::1 1 2\r\n'],
  ])('refuses a v1 header with %s', (_what, line) => {
    expect(v1(line).kind).toBe('invalid');
  });

  it('refuses a v1 line whose CRLF comes after byte 107', () => {
    const line = `PROXY TCP4 198.19.1.10 198.19.1.100 40000 80${' '.repeat(70)}\r\n`;
    expect(v1(line).kind).toBe('invalid');
    expect(v1(`PROXY TCP4 ${'1'.repeat(120)}`).kind).toBe('invalid');
  });

  it('refuses v2 headers with an unassigned command or an address block too short for the family', () => {
    const good = buildProxyHeader(2, src, dst);
    const command = Buffer.from(good);
    command[12] = 0x22;
    expect(parseProxyHeader(command).kind).toBe('invalid');
    const short = Buffer.concat([V2_SIGNATURE, Buffer.from([0x21, 0x11, 0, 4, 1, 2, 3, 4])]);
    expect(parseProxyHeader(short).kind).toBe('invalid');
    const local = Buffer.concat([V2_SIGNATURE, Buffer.from([0x20, 0x00, 0, 0])]);
    expect(parseProxyHeader(local)).toMatchObject({ kind: 'header', header: { kind: 'LOCAL' }, consumed: 16 });
  });
});
