import { describe, expect, it } from 'vitest';
import { ConfigError } from '../../reference/index.ts';
import { parseSubnet } from './addressing.ts';
import { sharedSegment, twoArmed } from './shapes.ts';
import { parseTopologySpec, resolveTopology } from './spec.ts';

const subnets = { front: parseSubnet('198.19.1.0/24'), back: parseSubnet('198.19.2.0/24'), clients: parseSubnet('198.19.3.0/24'), segment: parseSubnet('198.19.4.0/24') };

function problemsOf(input: unknown): string[] {
  try {
    parseTopologySpec(input);
  } catch (err) {
    expect(err).toBeInstanceOf(ConfigError);
    return [...(err as ConfigError).problems];
  }
  throw new Error('expected a ConfigError');
}

describe('topology spec', () => {
  it('two-armed: the balancer is on both networks and the backends route via it; clients have no default route', () => {
    const hosts = resolveTopology(parseTopologySpec(twoArmed({ backends: 2 })), subnets);
    const byName = Object.fromEntries(hosts.map((h) => [h.spec.name, h]));
    expect(byName['balancer']?.addresses).toEqual({ front: '198.19.1.2', back: '198.19.2.2' });
    expect(byName['balancer']?.sysctls['net.ipv4.ip_forward']).toBe('0');
    expect(byName['backend1']?.addresses).toEqual({ back: '198.19.2.20' });
    expect(byName['backend1']?.gateway).toBe('198.19.2.2');
    expect(byName['backend2']?.gateway).toBe('198.19.2.2');
    expect(byName['client1']?.gateway).toBeUndefined();
    expect(byName['client1']?.routes).toEqual([]);
  });

  it('shared segment: clients reach the segment via the router, which alone forwards', () => {
    const hosts = resolveTopology(parseTopologySpec(sharedSegment()), subnets);
    const byName = Object.fromEntries(hosts.map((h) => [h.spec.name, h]));
    expect(byName['client1']?.routes).toEqual(['198.19.4.0/24 via 198.19.3.3']);
    expect(byName['backend3']?.routes).toEqual(['198.19.3.0/24 via 198.19.4.3']);
    expect(byName['balancer']?.routes).toEqual(['198.19.3.0/24 via 198.19.4.3']);
    expect(byName['router']?.sysctls['net.ipv4.ip_forward']).toBe('1');
    expect(hosts.filter((h) => h.spec.role === 'backend').every((h) => h.gateway === undefined)).toBe(true);
  });

  it('names the field for subnets outside the benchmarking range', () => {
    const spec = twoArmed();
    spec.networks[0] = { name: 'front', subnet: '10.1.0.0/24' };
    expect(problemsOf(spec)).toEqual([expect.stringMatching(/^networks\[0\]\.subnet: must be a CIDR subnet inside 198\.18\.0\.0\/15/)]);
  });

  it('rejects dangling references and duplicate addresses', () => {
    const problems = problemsOf({
      name: 'bad',
      networks: [{ name: 'a' }, { name: 'b' }],
      hosts: [
        { name: 'x', role: 'client', networks: [{ network: 'a', host: 5 }], gateway: 'y' },
        { name: 'y', role: 'backend', networks: [{ network: 'b', host: 5 }, { network: 'c', host: 6 }] },
        { name: 'z', role: 'backend', networks: [{ network: 'b', host: 5 }], routes: [{ to: 'nowhere', via: 'y' }] },
      ],
    });
    expect(problems).toEqual(
      expect.arrayContaining([
        'hosts[0].gateway: "y" is not a host on a network x is on',
        'hosts[1].networks[1].network: no network named "c"',
        "hosts[2].networks[0].host: 5 on b is already y's",
        'hosts[2].routes[0].to: no network named "nowhere"',
      ]),
    );
  });

  it('only net.* sysctls, which are per network namespace', () => {
    const spec = twoArmed();
    (spec.hosts[0] as { sysctls?: Record<string, string> }).sysctls = { 'kernel.pid_max': '10' };
    expect(problemsOf(spec)[0]).toMatch(/^hosts\[0\]\.sysctls\.kernel\.pid_max: only net\.\* sysctls/);
  });
});
