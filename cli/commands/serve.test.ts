import { describe, expect, it } from 'vitest';
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createServer, request } from 'node:http';
import type { AddressInfo } from 'node:net';
import { ConfigError } from '../../reference/index.ts';
import { exitCodeFor } from '../exit.ts';
import { listeningLines, serve } from './serve.ts';

const bin = join(import.meta.dirname, '../../bin/fulcrum.js');
/** A temporary lb.yaml; disposing removes its folder (per test, so concurrent tests stay apart). */
async function configFile(text: string): Promise<{ path: string } & AsyncDisposable> {
  const dir = await mkdtemp(join(tmpdir(), 'fulcrum-serve-'));
  const path = join(dir, 'lb.yaml');
  await writeFile(path, text);
  return { path, [Symbol.asyncDispose]: () => rm(dir, { recursive: true, force: true }) };
}

interface Run extends Disposable {
  child: ChildProcess;
  stdout: () => string;
  stderr: () => string;
  exit: Promise<number | null>;
}

/** Spawns the CLI; disposing kills it if it is still running (each test owns its own child). */
function run(args: string[]): Run {
  const child = spawn(process.execPath, [bin, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  let err = '';
  child.stdout!.on('data', (d) => (out += d));
  child.stderr!.on('data', (d) => (err += d));
  const exit = new Promise<number | null>((resolve) => child.on('close', (code) => resolve(code)));
  return {
    child,
    stdout: () => out,
    stderr: () => err,
    exit,
    [Symbol.dispose]() {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
    },
  };
}

const silentIo = { out: () => {}, err: () => {}, stopRequested: () => new Promise<string>(() => {}) };

describe('serve()', () => {
  it('rejects a missing file with a ConfigError (exit 2) naming the path', async () => {
    const err = await serve('/nonexistent/lb.yaml', silentIo).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ConfigError);
    expect(exitCodeFor(err)).toBe(2);
    expect((err as Error).message).toMatch(/^\/nonexistent\/lb\.yaml: invalid config\n {2}- cannot read file: ENOENT/);
  });

  it('rejects an unknown algorithm with a ConfigError naming the field', async () => {
    await using file = await configFile('version: 1\nlisteners:\n  - { name: web, mode: http, listen: "127.0.0.1:0", algorithm: nope, backends: [{ id: a, address: "127.0.0.1:9" }] }\n');
    const err = await serve(file.path, silentIo).catch((e: unknown) => e);
    expect(exitCodeFor(err)).toBe(2);
    expect((err as Error).message).toContain('listeners[0].algorithm: unknown algorithm "nope"');
  });
});

describe('serve() with an lvs section', () => {
  it('prints one line per LVS service and the engine\'s admin endpoint', () => {
    const backends = [{ id: 'rs1' }, { id: 'rs2' }];
    const lvs = { admin: '127.0.0.1:9000', describe: () => [{ name: 'web', mode: 'dr', vip: '198.18.9.100', port: 80, protocol: 'udp', algorithm: { name: 'maglev' }, backends }] };
    const lb = { listeners: [], admin: undefined, lvs } as unknown as Parameters<typeof listeningLines>[0];
    expect(listeningLines(lb)).toEqual(['lvs web dr 198.18.9.100:80 udp (maglev, 2 backends)', 'lvs admin 127.0.0.1:9000 (/stats, /services, /services/<service>/backends/<id>)']);
  });

  it('rejects a bad LVS service with a ConfigError (exit 2) naming the field from the top of the file', async () => {
    await using file = await configFile(`version: 1
lvs:
  interfaces: { outside: eth0 }
  services:
    - { name: web, mode: dr, vip: 198.18.9.100, port: 80, algorithm: { name: maglev, boundedLoad: 50 }, backends: [ { id: rs1, address: "198.18.9.11:81" } ] }
`);
    const err = await serve(file.path, silentIo).catch((e: unknown) => e);
    expect(exitCodeFor(err)).toBe(2);
    expect((err as Error).message).toContain('lvs.services[0].algorithm.boundedLoad: must be between 100 and 10000, got 50');
    expect((err as Error).message).toContain('lvs.services[0].backends[0].address: DR cannot change the port');
  });
});

// The binary end to end; the two spawns run concurrently because CLI start-up is slow under load.
describe.concurrent('fulcrum serve (the binary)', { timeout: 120_000 }, () => {
  it('exits 2 and names the field for a bad config', async () => {
    await using file = await configFile('version: 1\nlisteners:\n  - { name: web, mode: http, listen: "nowhere", backends: [] }\n');
    using r = run(['serve', '--config', file.path]);
    expect(await r.exit).toBe(2);
    expect(r.stderr()).toContain('listeners[0].listen: "nowhere" is not host:port');
    expect(r.stderr()).toContain('listeners[0].backends: needs at least one backend');
  });

  it('prints one line per listener, proxies, and exits 0 after a graceful drain on SIGTERM', async () => {
    const backend = createServer((_req, res) => res.end('hello from b1'));
    await new Promise<void>((r) => backend.listen(0, '127.0.0.1', r));
    await using _backend = { [Symbol.asyncDispose]: () => new Promise<void>((r) => (backend.closeAllConnections(), backend.close(() => r()))) };
    await using file = await configFile(`
version: 1
drainTimeout: 2s
listeners:
  - name: web
    mode: http
    listen: "127.0.0.1:0"
    algorithm: rr
    backends:
      - { id: b1, address: "127.0.0.1:${(backend.address() as AddressInfo).port}" }
`);
    using r = run(['serve', '--config', file.path]);
    // CLI start-up (tsx, every command's imports) takes seconds on a loaded 2-core machine.
    const deadline = Date.now() + 80_000;
    while (!r.stdout().includes('\n') && Date.now() < deadline && r.child.exitCode === null) await new Promise((res) => setTimeout(res, 20));
    const line = r.stdout().split('\n')[0]!;
    expect(line).toMatch(/^listening web http 127\.0\.0\.1:\d+ \(rr, 1 backend\)$/);
    const port = Number(/:(\d+) /.exec(line)![1]);
    const body = await new Promise<string>((resolve, reject) => {
      request({ host: '127.0.0.1', port, agent: false }, (res) => {
        let b = '';
        res.on('data', (d) => (b += d));
        res.on('end', () => resolve(b));
      })
        .on('error', reject)
        .end();
    });
    expect(body).toBe('hello from b1');
    r.child.kill('SIGTERM');
    expect(await r.exit).toBe(0);
    expect(r.stderr()).toContain('SIGTERM, draining');
    expect(r.stderr()).toContain('fulcrum serve: stopped');
  });
});
