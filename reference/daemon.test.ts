import { afterEach, describe, expect, it } from 'vitest';
import { createServer, request, type RequestListener, type Server } from 'node:http';
import { connect, createServer as createTcpServer, type AddressInfo } from 'node:net';
import { createSocket } from 'node:dgram';
import { parseConfig } from './config/load.ts';
import { ConfigError } from './config/errors.ts';
import { ListenError, startBalancer, type RunningBalancer } from './daemon.ts';

const cleanups: Array<() => unknown> = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

async function httpBackend(id: string, handler?: RequestListener, port = 0): Promise<{ port: number; server: Server; stop: () => Promise<void> }> {
  const server = createServer(handler ?? ((req, res) => res.end(`${id} ${req.url}`)));
  await new Promise<void>((r) => server.listen(port, '127.0.0.1', r));
  let stopped = false;
  const stop = async () => {
    if (stopped) return;
    stopped = true;
    server.closeAllConnections();
    await new Promise((r) => server.close(r));
  };
  cleanups.push(stop);
  return { port: (server.address() as AddressInfo).port, server, stop };
}

async function start(yaml: string, log?: (l: string) => void): Promise<RunningBalancer> {
  const lb = await startBalancer(parseConfig(yaml, 'test.yaml'), { log: log ?? (() => {}), source: 'test.yaml' });
  cleanups.push(() => lb.close());
  return lb;
}

function get(port: number, path = '/', agent = false as const): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port, path, agent }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (d) => (body += d));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
    });
    req.on('error', reject);
    req.end();
  });
}

async function until(cond: () => boolean | Promise<boolean>, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await cond())) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((r) => setTimeout(r, 10));
  }
}

const backendsYaml = (ports: number[]) => ports.map((p, i) => `      - { id: b${i + 1}, address: "127.0.0.1:${p}" }`).join('\n');

describe('startBalancer', () => {
  it('runs an http listener with rr and serves /stats, /metrics and /healthz', async () => {
    const b1 = await httpBackend('b1');
    const b2 = await httpBackend('b2');
    const lb = await start(`
version: 1
admin: { listen: "127.0.0.1:0" }
listeners:
  - name: web
    mode: http
    listen: "127.0.0.1:0"
    algorithm: rr
    backends:
${backendsYaml([b1.port, b2.port])}
`);
    const web = lb.listeners[0]!;
    expect([web.name, web.mode, web.algorithm, web.host]).toEqual(['web', 'http', 'rr', '127.0.0.1']);
    const bodies = [];
    for (let i = 0; i < 4; i++) bodies.push((await get(web.port, `/p${i}`)).body);
    expect(bodies).toEqual(['b1 /p0', 'b2 /p1', 'b1 /p2', 'b2 /p3']);

    const admin = lb.admin!;
    const stats = JSON.parse((await get(admin.port, '/stats')).body);
    expect(stats.listeners[0].name).toBe('web');
    expect(stats.listeners[0].listen).toBe(`127.0.0.1:${web.port}`);
    expect(stats.listeners[0].backends.map((b: { id: string; state: string; requests: number; active: number }) => [b.id, b.state, b.requests, b.active])).toEqual([
      ['b1', 'up', 2, 0],
      ['b2', 'up', 2, 0],
    ]);
    const metrics = await get(admin.port, '/metrics');
    expect(metrics.body).toContain('fulcrum_backend_requests_total{listener="web",backend="b2"} 2\n');
    expect(metrics.body).toContain('fulcrum_backend_up{listener="web",backend="b1"} 1\n');
    expect((await get(admin.port, '/healthz')).status).toBe(200);
    expect((await get(admin.port, '/nope')).status).toBe(404);
  });

  it('hands the listener its limits and header timeout from the config', async () => {
    const b1 = await httpBackend('b1');
    const lb = await start(`
version: 1
listeners:
  - name: web
    mode: http
    listen: "127.0.0.1:0"
    limits: { headers: 3, urlBytes: 32, body: 4 }
    timeouts: { header: 200ms }
    backends:
${backendsYaml([b1.port])}
`);
    const port = lb.listeners[0]!.port;
    const raw = (text: string) =>
      new Promise<string>((resolve) => {
        const s = connect({ host: '127.0.0.1', port }, () => s.write(text));
        let got = '';
        s.on('data', (d) => (got += d));
        s.on('close', () => resolve(got.split('\r\n')[0]!));
        s.on('error', () => resolve(got));
      });
    expect(await raw('GET / HTTP/1.1\r\nHost: a\r\nA: 1\r\nB: 2\r\nC: 3\r\n\r\n')).toBe('HTTP/1.1 431 Request Header Fields Too Large');
    expect(await raw(`GET /${'x'.repeat(40)} HTTP/1.1\r\nHost: a\r\n\r\n`)).toBe('HTTP/1.1 414 URI Too Long');
    expect(await raw('POST / HTTP/1.1\r\nHost: a\r\nContent-Length: 5\r\n\r\nhello')).toBe('HTTP/1.1 413 Payload Too Large');
    expect(await raw('GET / HTTP/1.1\r\nHost: a\r\n')).toBe('HTTP/1.1 408 Request Timeout');
    expect((await get(port, '/ok')).body).toBe('b1 /ok');
  });

  it('takes a stopped backend out after `fall` failed checks and back after `rise`, logging both', async () => {
    const b1 = await httpBackend('b1');
    const b2 = await httpBackend('b2');
    const lines: string[] = [];
    const lb = await start(
      `
version: 1
listeners:
  - name: web
    mode: http
    listen: "127.0.0.1:0"
    health: { type: http, path: /healthz, interval: 40, timeout: 200, rise: 2, fall: 2 }
    backends:
${backendsYaml([b1.port, b2.port])}
`,
      (l) => lines.push(l),
    );
    const web = lb.listeners[0]!;
    await b2.stop();
    await until(() => !web.pool.get('b2')!.usable, 5000);
    expect(lines).toEqual([`health: listener web backend b2 DOWN after 2 failures (connect ECONNREFUSED)`]);
    for (let i = 0; i < 4; i++) expect((await get(web.port)).body).toBe('b1 /');
    await httpBackend('b2', undefined, b2.port);
    await until(() => web.pool.get('b2')!.usable, 5000);
    expect(lines[1]).toBe('health: listener web backend b2 UP after 2 successes (http 200)');
    const bodies = new Set<string>();
    for (let i = 0; i < 4; i++) bodies.add((await get(web.port)).body);
    expect(bodies).toEqual(new Set(['b1 /', 'b2 /']));
  });

  it('close() lets an in-flight request finish, refuses new connections, and resolves after the drain', async () => {
    const slow = await httpBackend('slow', (_req, res) => setTimeout(() => res.end('finished late'), 200));
    const lb = await startBalancer(
      parseConfig(`
version: 1
drainTimeout: 5s
listeners:
  - { name: web, mode: http, listen: "127.0.0.1:0", backends: [{ id: s, address: "127.0.0.1:${slow.port}" }] }
`, 't'),
      { log: () => {} },
    );
    const port = lb.listeners[0]!.port;
    const inFlight = get(port);
    await until(() => lb.listeners[0]!.pool.get('s')!.active === 1, 5000);
    const closing = lb.close();
    await new Promise((r) => setTimeout(r, 20));
    const refused = await new Promise<string>((resolve) => {
      const s = connect(port, '127.0.0.1');
      s.on('connect', () => (s.destroy(), resolve('connected')));
      s.on('error', (e: NodeJS.ErrnoException) => resolve(e.code ?? 'error'));
    });
    expect(refused).toBe('ECONNREFUSED');
    expect(await inFlight).toEqual({ status: 200, body: 'finished late' });
    await closing;
    expect(lb.listeners[0]!.pool.get('s')!.active).toBe(0);
  });

  it('close() cuts work that outlives drainTimeout', async () => {
    const stuck = await httpBackend('stuck', () => {});
    const lb = await startBalancer(
      parseConfig(`
version: 1
drainTimeout: 150ms
listeners:
  - { name: web, mode: http, listen: "127.0.0.1:0", backends: [{ id: s, address: "127.0.0.1:${stuck.port}" }] }
`, 't'),
      { log: () => {} },
    );
    const inFlight = get(lb.listeners[0]!.port).catch((e: NodeJS.ErrnoException) => e.code);
    await until(() => lb.listeners[0]!.pool.get('s')!.active === 1, 5000);
    const started = performance.now();
    await lb.close();
    expect(performance.now() - started).toBeLessThan(3000);
    expect(await inFlight).toBe('ECONNRESET');
    expect(lb.listeners[0]!.pool.get('s')!.active).toBe(0);
  });

  it('names the listener and address when the port is in use, and leaves nothing listening', async () => {
    const blocker = createTcpServer();
    await new Promise<void>((r) => blocker.listen(0, '127.0.0.1', r));
    cleanups.push(() => new Promise((r) => blocker.close(r)));
    const busy = (blocker.address() as AddressInfo).port;
    const free = createTcpServer();
    await new Promise<void>((r) => free.listen(0, '127.0.0.1', r));
    const firstPort = (free.address() as AddressInfo).port;
    await new Promise((r) => free.close(r));
    const config = parseConfig(
      `
version: 1
listeners:
  - { name: first, mode: tcp, listen: "127.0.0.1:${firstPort}", backends: [{ id: a, address: "127.0.0.1:9" }] }
  - { name: second, mode: http, listen: "127.0.0.1:${busy}", backends: [{ id: a, address: "127.0.0.1:9" }] }
`,
      't',
    );
    const err = await startBalancer(config, { log: () => {} }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ListenError);
    expect((err as ListenError).message).toBe(`listener second: cannot listen on 127.0.0.1:${busy}: address already in use (EADDRINUSE)`);
    // The first listener was closed again: its port is free.
    const probe = createTcpServer();
    await new Promise<void>((resolve, reject) => {
      probe.once('error', reject);
      probe.listen(firstPort, '127.0.0.1', resolve);
    });
    await new Promise((r) => probe.close(r));
  });

  it('hands hashing schedulers the configured key: the same header value always reaches the same backend', async () => {
    const ports = [];
    for (const id of ['b1', 'b2', 'b3']) ports.push((await httpBackend(id, (req, res) => res.end(id))).port);
    const lb = await start(`
version: 1
listeners:
  - name: web
    mode: http
    listen: "127.0.0.1:0"
    algorithm: maglev
    key: { from: header, name: X-User }
    backends:
${backendsYaml(ports)}
`);
    const port = lb.listeners[0]!.port;
    const ask = (user: string) =>
      new Promise<string>((resolve, reject) => {
        request({ host: '127.0.0.1', port, agent: false, headers: { 'x-user': user } }, (res) => {
          let b = '';
          res.on('data', (d) => (b += d));
          res.on('end', () => resolve(b));
        })
          .on('error', reject)
          .end();
      });
    const first = new Map<string, string>();
    for (let u = 0; u < 24; u++) first.set(`user${u}`, await ask(`user${u}`));
    for (const [user, backendId] of first) expect(await ask(user)).toBe(backendId);
    // 24 users all on one of 3 backends would be a broken key (probability 3·(1/3)^24 by chance).
    expect(new Set(first.values()).size).toBeGreaterThan(1);
  });

  it('rejects a hashing key without its name as a config error naming the field', async () => {
    const config = parseConfig(
      `
version: 1
listeners:
  - { name: web, mode: http, listen: "127.0.0.1:0", algorithm: ring, key: { from: header }, backends: [{ id: a, address: "127.0.0.1:9" }] }
`,
      'lb.yaml',
    );
    const err = await startBalancer(config, { source: 'lb.yaml' }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ConfigError);
    expect((err as ConfigError).message).toContain('listeners[0].key.name: is required when key.from is "header"');
  });

  it('works over IPv6 loopback: bracketed addresses, Forwarded quotes the client, PROXY v2 carries TCP6', async (ctx) => {
    const v6 = await new Promise<boolean>((resolve) => {
      const probe = createTcpServer();
      probe.once('error', () => resolve(false));
      probe.listen(0, '::1', () => probe.close(() => resolve(true)));
    });
    if (!v6) ctx.skip('no IPv6 loopback (::1) on this host');
    const seen: Record<string, string | string[] | undefined>[] = [];
    const backend = createServer((req, res) => (seen.push(req.headers), res.end('v6 ok')));
    await new Promise<void>((r) => backend.listen(0, '::1', r));
    cleanups.push(() => new Promise((r) => (backend.closeAllConnections(), backend.close(r))));
    const proxied: Buffer[] = [];
    const tcpBackend = createTcpServer((s) => s.once('data', (d) => (proxied.push(d), s.end())));
    await new Promise<void>((r) => tcpBackend.listen(0, '::1', r));
    cleanups.push(() => new Promise((r) => tcpBackend.close(r)));
    const lb = await start(`
version: 1
listeners:
  - { name: web6, mode: http, listen: "[::1]:0", backends: [{ id: a, address: "[::1]:${(backend.address() as AddressInfo).port}" }] }
  - { name: tcp6, mode: tcp, listen: "[::1]:0", proxyProtocol: v2, backends: [{ id: a, address: "[::1]:${(tcpBackend.address() as AddressInfo).port}" }] }
`);
    const [web, tcp] = lb.listeners as [RunningBalancer['listeners'][0], RunningBalancer['listeners'][0]];
    expect(web.host).toBe('::1');
    const body = await new Promise<string>((resolve, reject) => {
      request({ host: '::1', port: web.port, agent: false }, (res) => {
        let b = '';
        res.on('data', (d) => (b += d));
        res.on('end', () => resolve(b));
      })
        .on('error', reject)
        .end();
    });
    expect(body).toBe('v6 ok');
    expect(seen[0]!['x-forwarded-for']).toBe('::1');
    expect(seen[0]!['forwarded']).toBe('for="[::1]";proto=http');
    await new Promise<void>((resolve, reject) => {
      const s = connect(tcp.port, '::1', () => s.write('x'));
      s.on('close', () => resolve());
      s.on('error', reject);
    });
    const header = proxied[0]!;
    expect([header[12], header[13], header.readUInt16BE(14)]).toEqual([0x21, 0x21, 36]);
    expect(header.subarray(16, 32).toString('hex')).toBe('00000000000000000000000000000001');
    expect(header.readUInt16BE(50)).toBe(tcp.port);
    expect(header.subarray(52).toString()).toBe('x');
  });

  it('rejects a bad algorithm option as a config error naming the field', async () => {
    const config = parseConfig(
      `
version: 1
listeners:
  - { name: web, mode: http, listen: "127.0.0.1:0", algorithm: { name: wrr, variant: bogus }, backends: [{ id: a, address: "127.0.0.1:9" }] }
`,
      'lb.yaml',
    );
    const err = await startBalancer(config, { source: 'lb.yaml' }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ConfigError);
    expect((err as ConfigError).message).toContain('listeners[0].algorithm.variant: ');
  });

  it('rejects an unknown algorithm as a config error naming the field', async () => {
    const config = parseConfig(
      `
version: 1
listeners:
  - { name: web, mode: http, listen: "127.0.0.1:0", algorithm: nosuch, backends: [{ id: a, address: "127.0.0.1:9" }] }
`,
      'lb.yaml',
    );
    const err = await startBalancer(config, { source: 'lb.yaml' }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ConfigError);
    expect((err as ConfigError).message).toMatch(/^lb\.yaml: invalid config\n {2}- listeners\[0\]\.algorithm: unknown algorithm "nosuch" \(known: .*rr/);
  });

  it('runs tcp with PROXY v1 and udp listeners side by side', async () => {
    const seen: string[] = [];
    const tcpBackend = createTcpServer((s) => {
      s.once('data', (d) => {
        seen.push(d.toString('latin1'));
        s.end('pong');
      });
    });
    await new Promise<void>((r) => tcpBackend.listen(0, '127.0.0.1', r));
    cleanups.push(() => new Promise((r) => tcpBackend.close(r)));
    const udpBackend = createSocket('udp4');
    await new Promise<void>((r) => udpBackend.bind(0, '127.0.0.1', r));
    cleanups.push(() => udpBackend.close());
    udpBackend.on('message', (m, r) => udpBackend.send(`echo ${m}`, r.port, r.address));
    const lb = await start(`
version: 1
listeners:
  - { name: t, mode: tcp, listen: "127.0.0.1:0", proxyProtocol: v1, backends: [{ id: a, address: "127.0.0.1:${(tcpBackend.address() as AddressInfo).port}" }] }
  - { name: u, mode: udp, listen: "127.0.0.1:0", timeouts: { idle: 1s }, backends: [{ id: a, address: "127.0.0.1:${udpBackend.address().port}" }] }
`);
    const [t, u] = lb.listeners as [RunningBalancer['listeners'][0], RunningBalancer['listeners'][0]];
    const reply = await new Promise<string>((resolve, reject) => {
      const s = connect(t.port, '127.0.0.1', () => s.write('ping'));
      let got = '';
      s.on('data', (d) => (got += d));
      s.on('close', () => resolve(got));
      s.on('error', reject);
    });
    expect(reply).toBe('pong');
    expect(seen[0]).toMatch(new RegExp(`^PROXY TCP4 127\\.0\\.0\\.1 127\\.0\\.0\\.1 \\d+ ${t.port}\\r\\n`));
    const client = createSocket('udp4');
    cleanups.push(() => client.close());
    const echoed = await new Promise<string>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error('no udp reply')), 3000);
      client.once('message', (m) => (clearTimeout(timer), resolve(m.toString())));
      client.send('hi', u.port, '127.0.0.1');
    });
    expect(echoed).toBe('echo hi');
  });
});
