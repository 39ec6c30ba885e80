import { describe, expect, it } from 'vitest';
import { UsageError } from '../exit.ts';
import { parseRsAgentOptions } from './rs-agent.ts';

describe('fulcrum rs-agent', () => {
  it('the command checks its flags and names the bad one (exit code 2 via UsageError)', () => {
    const base = { vip: '198.19.1.100,198.19.1.101', tunnel: 'ipip,gre', tunName: 'fulcrum-tun0', advmss: '1400' };
    expect(parseRsAgentOptions(base)).toEqual({ vips: [0xc6130164, 0xc6130165], tunnels: ['ipip', 'gre'], tunName: 'fulcrum-tun0', advmss: 1400, arpSuppression: true });
    expect(parseRsAgentOptions({ ...base, arpSuppression: false }).arpSuppression).toBe(false);
    expect(parseRsAgentOptions({ ...base, tunnel: 'none' }).tunnels).toEqual([]);
    expect(() => parseRsAgentOptions({ ...base, vip: '198.19.1' })).toThrow(new UsageError('--vip: "198.19.1" is not an IPv4 address'));
    expect(() => parseRsAgentOptions({ ...base, tunnel: 'vxlan' })).toThrow(/--tunnel: "vxlan"/);
    expect(() => parseRsAgentOptions({ ...base, tunName: 'much-too-long-name' })).toThrow(/--tun-name/);
    expect(() => parseRsAgentOptions({ ...base, advmss: '-1' })).toThrow(/--advmss/);
  });
});
