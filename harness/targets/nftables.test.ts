import { execFileSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { drScript, natRules, nftablesTarget } from './nftables.ts';
import type { Scenario } from '../types.ts';

const scenario: Scenario = {
  mode: 'tcp',
  algorithm: { name: 'rr' },
  listen: { host: '198.19.1.100', port: 8000 },
  backends: [1, 2, 3].map((i) => ({ id: `b${i}`, weight: 1, host: `198.19.2.${19 + i}`, port: 8080 })),
  lvs: { mode: 'nat', vip: '198.19.1.100', interfaces: { outside: 'eth1', inside: 'eth0' } },
};
const canCheckNft = process.getuid?.() === 0 && (() => { try { execFileSync('nft', ['--version']); return true; } catch { return false; } })();

describe('nftables baseline target', () => {
  it('NAT: stateful DNAT spreads new connections over the real servers and changes the port', () => {
    const rules = natRules(scenario);
    expect(rules).toContain('type nat hook prerouting');
    expect(rules).toContain('ip daddr 198.19.1.100 tcp dport 8000 dnat to numgen inc mod 3 map { 0 : 198.19.2.20, 1 : 198.19.2.21, 2 : 198.19.2.22 } : 8080');
  });

  it('the broken stateless NAT rewrites requests without conntrack, so nothing rewrites replies', () => {
    const rules = natRules(scenario, true);
    expect(rules).toContain('notrack');
    expect(rules).not.toContain('dnat');
  });

  it.skipIf(!canCheckNft)('both rulesets pass nft --check', () => {
    for (const rules of [natRules(scenario), natRules(scenario, true)]) execFileSync('nft', ['-c', '-f', '-'], { input: rules });
  });

  it('DR: a shell script that resolves the real servers\' MACs and builds the map in shell, not in JS', () => {
    const script = drScript({ ...scenario, listen: { host: '198.19.1.100', port: 8080 } }, 'eth0');
    expect(script).toContain('map="${map}1 : $mac"'.replace('1 :', ', 1 :'));
    expect(script).toContain('map { ${map} } fwd to "eth0"');
    execFileSync('sh', ['-n'], { input: script }); // syntax only
  });

  it('claims NAT and DR, not TUN (no ipip/gre in this kernel), and renders only LVS scenarios', () => {
    const t = nftablesTarget();
    expect(t.capabilities).toEqual(['tcp', 'lvs:nat', 'lvs:dr']);
    expect(() => t.render({ ...scenario, lvs: undefined } as Scenario)).toThrow(/LVS scenarios only/);
    expect(() => t.render({ ...scenario, lvs: { ...scenario.lvs!, mode: 'tun' } })).toThrow(/cannot do LVS-TUN/);
    expect(t.lvsHosts).toEqual({ balancerForwards: true });
  });
});
