import { describe, expect, it } from 'vitest';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ConfigError, parseConfig } from '../../reference/index.ts';
import { builtInTargetNames, resolveTarget, UnknownTargetError } from './registry.ts';
import { parseTargetFile } from './target-file.ts';
import { TargetRenderError } from './file-target.ts';
import { referenceConfig, referenceTarget } from './reference.ts';
import { commandExists } from './commands.ts';
import type { Scenario } from '../types.ts';

const scenario = (over: Partial<Scenario> = {}): Scenario => ({
  mode: 'http',
  algorithm: { name: 'rr' },
  listen: { host: '127.20.0.1', port: 18080 },
  backends: [1, 2, 3].map((i) => ({ id: `b${i}`, host: `127.30.0.${i}`, port: 19000 + i, weight: i })),
  ...over,
});

const HAVE_HAPROXY = await commandExists('haproxy');
const HEALTH = { type: 'http' as const, path: '/healthz', intervalMs: 200, timeoutMs: 500, rise: 2, fall: 3 };

describe('target registry', () => {
  it('lists reference and the shipped target files', () => {
    expect(builtInTargetNames()).toEqual(expect.arrayContaining(['reference', 'haproxy']));
    expect(builtInTargetNames()[0]).toBe('reference');
  });

  it('rejects an unknown name, listing the built-in ones', async () => {
    await expect(resolveTarget('nosuch')).rejects.toThrow(UnknownTargetError);
    await expect(resolveTarget('nosuch')).rejects.toThrow(/built-in targets are reference, .*haproxy/);
  });

  it('rejects an unreadable target file with a ConfigError naming the path', async () => {
    const err = await resolveTarget('/nonexistent/dir/lb.yaml').catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ConfigError);
    expect((err as Error).message).toMatch(/\/nonexistent\/dir\/lb.yaml: invalid config[\s\S]*cannot read target file: ENOENT/);
  });

  it('names the field of a bad target file', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'fulcrum-tf-'));
    try {
      const path = join(dir, 'bad.yaml');
      writeFileSync(path, 'schema: fulcrum/target@1\nname: x y\ncommand: []\nversion: { command: [a], regex: "(" }\n');
      const err = (await resolveTarget(path).catch((e: unknown) => e)) as ConfigError;
      expect(err).toBeInstanceOf(ConfigError);
      expect(err.problems.join('\n')).toMatch(/^name: use letters/m);
      expect(err.problems.join('\n')).toMatch(/^command: /m);
      expect(err.problems.join('\n')).toMatch(/^version.regex: is not a valid regular expression/m);
      expect(() => parseTargetFile('schema: other\n', 'f.yaml')).toThrow(/schema: must be "fulcrum\/target@1"/);
      expect(() => parseTargetFile('a: [', 'f.yaml')).toThrow(/not valid YAML/);
      expect(() => parseTargetFile('schema: fulcrum/target@1\nname: a\ncommand: [x]\nfiles: [{ path: ../etc/x, template: "" }]\n', 'f.yaml')).toThrow(/files\[0\]\.path: must be a relative path/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('haproxy target file (the worked example)', () => {
  it('claims its capabilities and maps algorithms; an unmapped one cannot render', async () => {
    const t = await resolveTarget('haproxy');
    expect(t.capabilities).toEqual(expect.arrayContaining(['http', 'tcp', 'xff', 'proxy-protocol:v2', 'health:http', 'algorithm:rr', 'algorithm:wrr', 'algorithm:lc', 'algorithm:random']));
    expect(t.capabilities).not.toContain('forwarded');
    expect(t.capabilities).not.toContain('udp');
    expect(() => t.render(scenario({ algorithm: { name: 'maglev' } }))).toThrow(TargetRenderError);
  });

  it('renders backends, algorithm, forwardfor, health and PROXY protocol from the scenario', async () => {
    const t = await resolveTarget('haproxy');
    const http = t.render(scenario({ algorithm: { name: 'lc' }, health: HEALTH }));
    const cfg = http.files[0]?.content ?? '';
    expect(http.files[0]?.path).toBe('haproxy.cfg');
    expect(http.command).toEqual(['haproxy', '-db', '-f', '{{dir}}/haproxy.cfg']);
    expect(cfg).toContain('bind 127.20.0.1:18080');
    expect(cfg).toContain('balance leastconn');
    expect(cfg).toContain('option forwardfor');
    expect(cfg).toContain('option httpchk GET /healthz');
    expect(cfg).toContain('timeout check 500ms');
    expect(cfg).toContain('server b2 127.30.0.2:19002 weight 2 check inter 200ms fall 3 rise 2');
    expect(cfg).not.toContain('&#'); // no HTML escaping
    const tcp = t.render(scenario({ mode: 'tcp', proxyProtocol: 'v2' })).files[0]?.content ?? '';
    expect(tcp).toContain('mode tcp');
    expect(tcp).toContain('server b1 127.30.0.1:19001 weight 1 send-proxy-v2');
    expect(tcp).not.toContain('forwardfor');
    const ring = t.render(scenario({ algorithm: { name: 'ring' }, key: { from: 'header', name: 'x-user' } })).files[0]?.content ?? '';
    expect(ring).toContain('balance hdr(x-user)');
    expect(ring).toContain('hash-type consistent');
  });

  // Skipped only where Debian's haproxy package is missing.
  it.skipIf(!HAVE_HAPROXY)('every rendering passes haproxy -c (haproxy installed)', async () => {
    const t = await resolveTarget('haproxy');
    const dir = mkdtempSync(join(tmpdir(), 'fulcrum-hc-'));
    try {
      const variants: Partial<Scenario>[] = [
        { algorithm: { name: 'rr' } },
        { algorithm: { name: 'wrr' }, health: HEALTH },
        { algorithm: { name: 'random' } },
        { algorithm: { name: 'p2c' }, health: { ...HEALTH, type: 'tcp' } },
        { mode: 'tcp', algorithm: { name: 'sh' }, proxyProtocol: 'v1' },
        { algorithm: { name: 'ring' }, key: { from: 'uri' } },
      ];
      for (const v of variants) {
        const file = join(dir, 'haproxy.cfg');
        writeFileSync(file, t.render(scenario({ ...v, backends: scenario().backends.map((b) => ({ ...b, weight: 1 })) })).files[0]?.content ?? '');
        expect(() => execFileSync('haproxy', ['-c', '-q', '-f', file], { stdio: 'pipe' }), JSON.stringify(v)).not.toThrow();
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('reports its version and availability', async () => {
    const t = await resolveTarget('haproxy');
    const available = await t.available();
    if (HAVE_HAPROXY) {
      expect(available).toEqual({ ok: true });
      expect(await t.version()).toMatch(/^2\.\d+/);
    } else {
      expect(available).toMatchObject({ ok: false, reason: expect.stringContaining('"haproxy", which is not on PATH') });
    }
  });
});

describe('reference target', () => {
  it("renders a config the reference balancer's own loader accepts", () => {
    const s = scenario({ algorithm: { name: 'wrr' }, health: HEALTH, admin: { host: '127.20.0.1', port: 18081 } });
    const cfg = parseConfig(JSON.stringify(referenceConfig(s)), 'rendered');
    const listener = cfg.listeners[0]!;
    expect(listener).toMatchObject({ mode: 'http', algorithm: { name: 'wrr' }, health: { type: 'http', interval: 200, timeout: 500, rise: 2, fall: 3 } });
    expect(listener.backends.map((b) => [b.id, b.address.port, b.weight])).toEqual([['b1', 19001, 1], ['b2', 19002, 2], ['b3', 19003, 3]]);
    expect(cfg.admin?.listen).toEqual({ host: '127.20.0.1', port: 18081 });
    const tcp = parseConfig(JSON.stringify(referenceConfig(scenario({ mode: 'tcp', proxyProtocol: 'v1' }))), 'rendered');
    expect(tcp.listeners[0]?.proxyProtocol).toBe('v1');
  });

  it('renders LVS scenarios as an `lvs` section that `fulcrum serve` loads (one config format)', () => {
    const s = scenario({ mode: 'udp', listen: { host: '198.18.3.100', port: 53 }, health: { ...HEALTH, type: 'tcp' }, lvs: { mode: 'dr', vip: '198.18.3.100', interfaces: { outside: 'eth0' } } });
    const launch = referenceTarget().render(s);
    expect(launch.command.slice(-3)).toEqual(['serve', '--config', '{{dir}}/lb.yaml']);
    const cfg = parseConfig(launch.files[0]!.content, 'rendered');
    expect(cfg.listeners).toEqual([]);
    expect(cfg.lvs?.services[0]).toMatchObject({ name: 'main', mode: 'dr', port: 53, protocol: 'udp', health: { type: 'tcp', interval: 200 } });
    expect(cfg.lvs?.services[0]!.backends.map((b) => b.id)).toEqual(['b1', 'b2', 'b3']);
  });
});

describe('nginx and caddy target files', () => {
  it('nginx hashes the scenario key: header, cookie, query, uri, source (ring)', async () => {
    const t = await resolveTarget('nginx');
    const ring = (key?: Scenario['key']) => t.render(scenario({ algorithm: { name: 'ring' }, ...(key ? { key } : {}) })).files[0]?.content ?? '';
    // Before: a header key rendered `hash  consistent;`, which makes the word "consistent" the key.
    expect(ring({ from: 'header', name: 'X-Fulcrum-Key' })).toContain('hash $http_x_fulcrum_key consistent;');
    expect(ring({ from: 'cookie', name: 'fk' })).toContain('hash $cookie_fk consistent;');
    expect(ring({ from: 'query', name: 'k' })).toContain('hash $arg_k consistent;');
    expect(ring({ from: 'uri' })).toContain('hash $request_uri consistent;');
    expect(ring()).toContain('hash $remote_addr consistent;');
  });

  it('caddy caps each upstream at maxconn for first (unhealthy_request_count), and only then', async () => {
    const t = await resolveTarget('caddy');
    const first = t.render(scenario({ algorithm: { name: 'first', maxconn: 2 } })).files[0]?.content ?? '';
    expect(first).toMatch(/lb_policy first\s+unhealthy_request_count 2\s+max_fails 1/);
    const rr = t.render(scenario({ algorithm: { name: 'rr' } })).files[0]?.content ?? '';
    expect(rr).not.toContain('unhealthy_request_count');
  });
});
