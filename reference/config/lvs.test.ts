import { describe, expect, it } from 'vitest';
import { ConfigError } from './errors.ts';
import { parseConfig } from './load.ts';
import { parseLvsConfigText } from './lvs.ts';

const ok = `
interfaces: { outside: veth0 }
services:
  - { name: web, mode: dr, vip: 198.19.1.100, port: 80, backends: [ { id: rs1, address: 198.19.1.11 } ] }
`;

function problems(text: string): string[] {
  try {
    parseLvsConfigText(text, 'lvs.yaml');
  } catch (err) {
    expect(err).toBeInstanceOf(ConfigError);
    return [...(err as ConfigError).problems];
  }
  throw new Error('expected a ConfigError');
}

describe('LVS config', () => {
  it('fills defaults: rr, tcp, source-ip key, 1M flows, expire removed servers, IPIP at MTU 1500', () => {
    const c = parseLvsConfigText(ok, 'lvs.yaml');
    const s = c.services[0]!;
    expect(s).toMatchObject({ protocol: 'tcp', algorithm: { name: 'rr' }, key: 'source-ip', tunnel: { encapsulation: 'ipip', mtu: 1500 } });
    expect(s.vip).toBe(0xc6130164);
    expect(s.backends[0]!.address).toEqual({ ip: 0xc613010b, port: undefined });
    expect(c.conntrack).toMatchObject({ maxFlows: 1_000_000, removedServer: 'expire', sloppyTcp: false });
    expect(c.conntrack.timeouts.tcpEstablished).toBe(900_000);
  });

  it('names the field for each mistake', () => {
    const p = problems(`
interfaces: { outside: veth0 }
services:
  - { name: a, mode: nat, vip: 198.19.1.300, port: 0, protocol: any, algorithm: nope, backends: [ { id: x, address: "1.2.3.4:99999" } ] }
  - { name: b, mode: dr, vip: 198.19.1.1, port: 80, backends: [ { id: x, address: "1.2.3.4:81" }, { id: x, address: 1.2.3.5 } ] }
`);
    expect(p).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/^services\[0\]\.vip: "198.19.1.300" is not an IPv4/),
        expect.stringMatching(/^services\[0\]\.backends\[0\]\.address: .* optional :port/),
        expect.stringMatching(/^services\[1\]\.backends\[0\]\.address: DR cannot change the port/),
        expect.stringMatching(/^services\[1\]\.backends\[1\]\.id: duplicate id "x"/),
      ]),
    );
  });

  it('refuses NAT for every port or protocol, and unknown algorithms', () => {
    const p = problems(`
interfaces: { outside: veth0 }
services:
  - { name: a, mode: nat, vip: 198.19.1.1, port: 0, algorithm: no-such, backends: [ { id: x, address: 1.2.3.4 } ] }
`);
    expect(p).toEqual(expect.arrayContaining([expect.stringMatching(/^services\[0\]\.port: NAT needs/), expect.stringMatching(/^services\[0\]\.algorithm: unknown algorithm "no-such"/)]));
  });

  it('admin.listen: host:port (IPv4, name or [IPv6]); a bad value names the field', () => {
    expect(parseLvsConfigText(ok, 'lvs.yaml').admin).toBeUndefined();
    expect(parseLvsConfigText(`${ok}admin: { listen: "127.0.0.1:9000" }\n`, 'lvs.yaml').admin).toEqual({ listen: { host: '127.0.0.1', port: 9000 } });
    expect(parseLvsConfigText(`${ok}admin: { listen: "[::1]:0" }\n`, 'lvs.yaml').admin).toEqual({ listen: { host: '::1', port: 0 } });
    expect(problems(`${ok}admin: { listen: "127.0.0.1" }\n`)).toEqual([expect.stringMatching(/^admin\.listen: "127\.0\.0\.1" is not host:port/)]);
    expect(problems(`${ok}admin: { listen: "127.0.0.1:70000" }\n`)).toEqual([expect.stringMatching(/^admin\.listen: /)]);
    expect(problems(`${ok}admin: { port: 9000 }\n`)).toEqual(expect.arrayContaining([expect.stringMatching(/^admin/)]));
  });
});

describe('LVS config in the balancer config (one file format, version 1)', () => {
  const section = ok.trim().split('\n').map((l) => `  ${l}`).join('\n');
  const fileProblems = (text: string): string[] => {
    try {
      parseConfig(text, 'lb.yaml');
    } catch (err) {
      expect(err).toBeInstanceOf(ConfigError);
      return [...(err as ConfigError).problems];
    }
    throw new Error('expected a ConfigError');
  };

  it('an `lvs` section stands beside (or instead of) listeners; listener-only files parse as before', () => {
    const c = parseConfig(`version: 1\nlvs:\n${section}\n`, 'lb.yaml');
    expect(c.listeners).toEqual([]);
    expect(c.lvs?.services[0]).toMatchObject({ name: 'web', mode: 'dr', port: 80, algorithm: { name: 'rr' }, key: 'source-ip' });
    const both = parseConfig(`version: 1\nlisteners:\n  - { name: a, mode: tcp, listen: "127.0.0.1:0", backends: [{ id: b, address: "127.0.0.1:9" }] }\nlvs:\n${section}\n`, 'lb.yaml');
    expect([both.listeners.length, both.lvs?.services.length]).toEqual([1, 1]);
    expect(parseConfig('version: 1\nlisteners:\n  - { name: a, mode: tcp, listen: "127.0.0.1:0", backends: [{ id: b, address: "127.0.0.1:9" }] }\n', 'lb.yaml').lvs).toBeUndefined();
  });

  it('errors name the field from the top of the file', () => {
    const p = fileProblems(`version: 1
lvs:
  interfaces: { outside: veth0 }
  services:
    - { name: web, mode: dr, vip: 198.19.1.100, port: 80, algorithm: nope, backends: [ { id: rs1, address: 198.19.1.11 } ] }
    - { name: hot, mode: dr, vip: 198.19.1.101, port: 80, algorithm: { name: maglev, boundedLoad: 50 }, backends: [ { id: rs1, address: 198.19.1.11 } ] }
`);
    expect(p).toEqual([
      'lvs.services[0].algorithm: unknown algorithm "nope"',
      expect.stringMatching(/^lvs\.services\[1\]\.algorithm\.boundedLoad: must be between 100 and 10000, got 50$/),
    ]);
    expect(fileProblems('version: 1\n')).toEqual(['listeners: needs at least one listener (or an lvs section)']);
    expect(fileProblems(`version: 1\nlvs: { services: [] }\n`)).toEqual(expect.arrayContaining([expect.stringMatching(/^lvs\.interfaces: /), 'lvs.services: needs at least one service']));
  });
});
