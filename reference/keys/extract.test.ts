import { describe, expect, it } from 'vitest';
import { keyExtractor, KeyConfigError, pathOf, cookieValue, queryValue, headerValue } from './extract.ts';
import { murmur3, murmur3Bytes, fnv1a } from './hash.ts';
import { ipHashKey } from './ip-hash.ts';
import { keyExtractorFor, defaultKeyConfig } from './index.ts';

const flow = { sourceIp: '10.1.2.3', sourcePort: 40000, destinationIp: '198.18.0.10', destinationPort: 80 };

describe('L4 keys', () => {
  it('hash the address bytes, not the spelling', () => {
    const k = keyExtractor({ from: 'source-ip' });
    expect(k({ flow })).toBe(murmur3Bytes(Uint8Array.of(10, 1, 2, 3)));
    expect(k({ flow: { ...flow, sourceIp: '::ffff:10.1.2.3' } })).toBe(k({ flow }));
    expect(k({ flow: { ...flow, sourcePort: 1 } })).toBe(k({ flow }));
    expect(k({ flow: { ...flow, sourceIp: '10.1.2.4' } })).not.toBe(k({ flow }));
  });

  it('source-ip-port, five-tuple and destination-ip use exactly their fields', () => {
    const sp = keyExtractor({ from: 'source-ip-port' });
    expect(sp({ flow })).toBe(murmur3Bytes(Uint8Array.of(10, 1, 2, 3, 0x9c, 0x40)));
    expect(sp({ flow: { ...flow, sourcePort: 40001 } })).not.toBe(sp({ flow }));
    expect(sp({ flow: { ...flow, destinationPort: 81 } })).toBe(sp({ flow }));

    const five = keyExtractor({ from: 'five-tuple' });
    expect(five({ flow })).toBe(murmur3Bytes(Uint8Array.of(6, 10, 1, 2, 3, 0x9c, 0x40, 198, 18, 0, 10, 0, 80)));
    expect(five({ flow: { ...flow, protocol: 'udp' } })).not.toBe(five({ flow }));

    const dst = keyExtractor({ from: 'destination-ip' });
    expect(dst({ flow })).toBe(murmur3Bytes(Uint8Array.of(198, 18, 0, 10)));
  });

  it('no flow, no key', () => {
    expect(keyExtractor({ from: 'source-ip' })({})).toBeUndefined();
  });

  it('can use FNV-1a instead', () => {
    expect(keyExtractor({ from: 'uri' }, 'fnv1a')({ request: { url: '/a', headers: {} } })).toBe(fnv1a('/a'));
  });
});

describe('L7 keys', () => {
  const request = {
    url: '/shop/cart?user=al%20ice&x=1&user=bob#top',
    headers: { 'x-tenant': 'blue', cookie: 'a=1; SESSION="abc"; b=2', 'x-multi': ['p', 'q'] },
  };

  it('uri is the whole target, path stops at ? or #', () => {
    expect(keyExtractor({ from: 'uri' })({ request })).toBe(murmur3(request.url));
    expect(keyExtractor({ from: 'path' })({ request })).toBe(murmur3('/shop/cart'));
    expect(pathOf('http://h:8080/p?q')).toBe('/p');
    expect(pathOf('http://h')).toBe('/');
  });

  it('header, cookie, query pick the named value', () => {
    expect(keyExtractor({ from: 'header', name: 'X-Tenant' })({ request })).toBe(murmur3('blue'));
    expect(headerValue(request.headers, 'X-MULTI')).toBe('p, q');
    expect(keyExtractor({ from: 'cookie', name: 'SESSION' })({ request })).toBe(murmur3('abc'));
    expect(cookieValue(request.headers, 'b')).toBe('2');
    expect(keyExtractor({ from: 'query', name: 'user' })({ request })).toBe(murmur3('al ice'));
    expect(queryValue('/?a+b=c+d', 'a b')).toBe('c d');
    expect(queryValue('/?flag', 'flag')).toBe('');
    expect(queryValue('/?bad=%zz', 'bad')).toBe('%zz');
  });

  it('missing values give no key', () => {
    expect(keyExtractor({ from: 'header', name: 'x-none' })({ request })).toBeUndefined();
    expect(keyExtractor({ from: 'cookie', name: 'none' })({ request })).toBeUndefined();
    expect(keyExtractor({ from: 'query', name: 'none' })({ request })).toBeUndefined();
    expect(keyExtractor({ from: 'cookie', name: 'a' })({ request: { url: '/', headers: {} } })).toBeUndefined();
  });

  it('config errors name the field', () => {
    expect(() => keyExtractor({ from: 'header' })).toThrow(KeyConfigError);
    expect(() => keyExtractor({ from: 'header' })).toThrow(/key\.name is required when key\.from is "header"/);
    expect(() => keyExtractor({ from: 'source-ip', name: 'x' })).toThrow(/key\.name is only for/);
  });
});

describe('ip_hash key and defaults', () => {
  it('keeps the first three octets of IPv4', () => {
    expect(ipHashKey('10.1.2.3')).toBe(0x0a0102);
    expect(ipHashKey('10.1.2.250')).toBe(0x0a0102);
    expect(ipHashKey('::ffff:10.1.2.3')).toBe(0x0a0102);
    expect(ipHashKey('2001:db8::1')).toBeLessThan(1 << 24);
    expect(ipHashKey('nonsense')).toBeUndefined();
    expect(keyExtractorFor('iphash', undefined)({ flow })).toBe(0x0a0102);
  });

  it('defaults: dh/lblc/lblcr hash the destination, others the source', () => {
    expect(defaultKeyConfig('dh')).toEqual({ from: 'destination-ip' });
    expect(defaultKeyConfig('sh')).toEqual({ from: 'source-ip' });
    expect(keyExtractorFor('lblc', undefined)({ flow })).toBe(murmur3Bytes(Uint8Array.of(198, 18, 0, 10)));
  });
});
