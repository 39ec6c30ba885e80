import { describe, expect, it } from 'vitest';
import { autoSubnet, formatSubnet, gatewayAddress, hostAddress, intToIp, ipToInt, isSafeSubnet, parseSubnet } from './addressing.ts';

describe('addressing', () => {
  it('round-trips addresses', () => {
    expect(intToIp(ipToInt('198.19.4.20'))).toBe('198.19.4.20');
    expect(() => ipToInt('198.19.4')).toThrow(/not an IPv4/);
    expect(() => ipToInt('198.19.4.256')).toThrow(/not an IPv4/);
  });

  it('accepts only subnets wholly inside 198.18.0.0/15', () => {
    expect(isSafeSubnet(parseSubnet('198.18.0.0/15'))).toBe(true);
    expect(isSafeSubnet(parseSubnet('198.19.255.0/24'))).toBe(true);
    expect(isSafeSubnet(parseSubnet('198.20.0.0/24'))).toBe(false);
    expect(isSafeSubnet(parseSubnet('198.16.0.0/14'))).toBe(false); // contains the range, is not inside it
    expect(isSafeSubnet(parseSubnet('10.0.0.0/24'))).toBe(false);
    expect(() => parseSubnet('198.19.4.1/24')).toThrow(/host bits/);
  });

  it('auto subnets are /24s in 198.19.0.0/16, clear of the engine pool in 198.18.0.0/16', () => {
    for (const i of [0, 1, 128, 255]) {
      const s = autoSubnet(i);
      expect(formatSubnet(s)).toBe(`198.19.${i}.0/24`);
      expect(isSafeSubnet(s)).toBe(true);
    }
    expect(() => autoSubnet(256)).toThrow(/out of range/);
  });

  it('host numbers leave .1 to the bridge and the broadcast address alone', () => {
    const s = parseSubnet('198.19.7.0/24');
    expect(gatewayAddress(s)).toBe('198.19.7.1');
    expect(hostAddress(s, 2)).toBe('198.19.7.2');
    expect(hostAddress(s, 254)).toBe('198.19.7.254');
    expect(() => hostAddress(s, 1)).toThrow(/outside/);
    expect(() => hostAddress(s, 255)).toThrow(/outside/);
  });
});
