import { describe, expect, it } from 'vitest';
import { realServerSysctls } from './rs-agent.ts';

describe('rs-agent', () => {
  it('DR needs ARP suppressed for the VIP on lo; TUN also needs reverse-path filtering off', () => {
    const dr = Object.fromEntries(realServerSysctls(false, 'fulcrum-tun0'));
    expect(dr).toEqual({
      'net/ipv4/conf/all/arp_ignore': '1',
      'net/ipv4/conf/all/arp_announce': '2',
      'net/ipv4/conf/lo/arp_ignore': '1',
      'net/ipv4/conf/lo/arp_announce': '2',
    });
    const tun = Object.fromEntries(realServerSysctls(true, 'fulcrum-tun0'));
    expect(tun).toMatchObject({ 'net/ipv4/conf/all/rp_filter': '0', 'net/ipv4/conf/default/rp_filter': '0', 'net/ipv4/conf/fulcrum-tun0/rp_filter': '0' });
  });

});
