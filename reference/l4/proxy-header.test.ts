import { describe, expect, it } from 'vitest';
import { proxyHeaderV1, proxyHeaderV2, writeIPv6 } from './proxy-header.ts';

const hex = (b: Buffer) => b.toString('hex');

describe('PROXY protocol v1', () => {
  it('writes TCP4 with both ends and ports', () => {
    const h = proxyHeaderV1({ source: { address: '127.10.0.1', port: 51234 }, destination: { address: '127.20.0.1', port: 8080 } });
    expect(h.toString('latin1')).toBe('PROXY TCP4 127.10.0.1 127.20.0.1 51234 8080\r\n');
  });

  it('writes v4-mapped peers of a dual-stack socket as TCP4', () => {
    const h = proxyHeaderV1({ source: { address: '::ffff:127.10.0.1', port: 1 }, destination: { address: '::ffff:127.20.0.1', port: 2 } });
    expect(h.toString('latin1')).toBe('PROXY TCP4 127.10.0.1 127.20.0.1 1 2\r\n');
  });

  it('writes TCP6, mapping an IPv4 end when the families differ', () => {
    expect(proxyHeaderV1({ source: { address: '2001:db8::1', port: 40000 }, destination: { address: '::1', port: 443 } }).toString('latin1')).toBe(
      'PROXY TCP6 2001:db8::1 ::1 40000 443\r\n',
    );
    expect(proxyHeaderV1({ source: { address: '2001:db8::1', port: 1 }, destination: { address: '10.0.0.1', port: 2 } }).toString('latin1')).toBe(
      'PROXY TCP6 2001:db8::1 ::ffff:10.0.0.1 1 2\r\n',
    );
  });

  it('writes UNKNOWN without addresses', () => {
    expect(proxyHeaderV1(undefined).toString('latin1')).toBe('PROXY UNKNOWN\r\n');
    expect(proxyHeaderV1({ source: { address: 'garbage', port: 1 }, destination: { address: '::1', port: 2 } }).toString('latin1')).toBe('PROXY UNKNOWN\r\n');
  });
});

describe('PROXY protocol v2', () => {
  it('writes TCP over IPv4 byte for byte', () => {
    const h = proxyHeaderV2({ source: { address: '192.0.2.10', port: 0xc822 }, destination: { address: '198.51.100.1', port: 443 } });
    expect(hex(h)).toBe(
      '0d0a0d0a000d0a515549540a' + // signature
        '21' + // version 2, PROXY
        '11' + // AF_INET, STREAM
        '000c' + // 12 bytes follow
        'c000020a' + // 192.0.2.10
        'c6336401' + // 198.51.100.1
        'c822' + // source port
        '01bb', // 443
    );
  });

  it('writes TCP over IPv6 byte for byte', () => {
    const h = proxyHeaderV2({ source: { address: '2001:db8::1', port: 1 }, destination: { address: '::1', port: 8080 } });
    expect(hex(h)).toBe(
      '0d0a0d0a000d0a515549540a' +
        '21' +
        '21' + // AF_INET6, STREAM
        '0024' + // 36 bytes follow
        '20010db8000000000000000000000001' +
        '00000000000000000000000000000001' +
        '0001' +
        '1f90',
    );
    expect(h.length).toBe(16 + 36);
  });

  it('writes AF_UNSPEC with an empty address block when addresses are unknown', () => {
    expect(hex(proxyHeaderV2(undefined))).toBe('0d0a0d0a000d0a515549540a' + '21' + '00' + '0000');
  });
});

describe('writeIPv6', () => {
  const bytes = (a: string) => {
    const b = Buffer.alloc(16);
    writeIPv6(a, b, 0);
    return hex(b);
  };
  it('expands "::", keeps full forms, and reads dotted IPv4 tails', () => {
    expect(bytes('::')).toBe('0'.repeat(32));
    expect(bytes('fe80::1%eth0')).toBe('fe800000000000000000000000000001');
    expect(bytes('1:2:3:4:5:6:7:8')).toBe('00010002000300040005000600070008');
    expect(bytes('1::')).toBe('00010000000000000000000000000000');
    expect(bytes('::ffff:127.10.0.1')).toBe('00000000000000000000ffff7f0a0001');
    expect(bytes('::1.2.3.4')).toBe('00000000000000000000000001020304');
    expect(bytes('1:2:3:4:5:6:1.2.3.4')).toBe('00010002000300040005000601020304');
  });
});
