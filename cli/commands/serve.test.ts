import { afterEach, describe, expect, it } from 'vitest';
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createServer, request } from 'node:http';
import type { AddressInfo } from 'node:net';

const bin = join(import.meta.dirname, '../../bin/fulcrum.js');
const cleanups: Array<() => unknown> = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

async function configFile(text: string): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'fulcrum-serve-'));
  cleanups.push(() => rm(dir, { recursive: true, force: true }));
  const path = join(dir, 'lb.yaml');
  await writeFile(path, text);
  return path;
}

function run(args: string[]): { child: ChildProcess; stdout: () => string; stderr: () => string; exit: Promise<number | null> } {
  const child = spawn(process.execPath, [bin, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
  cleanups.push(() => {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
  });
  let out = '';
  let err = '';
  child.stdout!.on('data', (d) => (out += d));
  child.stderr!.on('data', (d) => (err += d));
  const exit = new Promise<number | null>((resolve) => child.on('close', (code) => resolve(code)));
  return { child, stdout: () => out, stderr: () => err, exit };
}

describe('fulcrum serve', () => {
  it('exits 2 and names the field for a bad config', async () => {
    const path = await configFile('version: 1\nlisteners:\n  - { name: web, mode: http, listen: "nowhere", backends: [] }\n');
    const r = run(['serve', '--config', path]);
    expect(await r.exit).toBe(2);
    expect(r.stderr()).toContain('listeners[0].listen: "nowhere" is not host:port');
    expect(r.stderr()).toContain('listeners[0].backends: needs at least one backend');
  });

  it('exits 2 for a missing file', async () => {
    const r = run(['serve', '--config', '/nonexistent/lb.yaml']);
    expect(await r.exit).toBe(2);
    expect(r.stderr()).toContain('/nonexistent/lb.yaml');
  });

  it('prints one line per listener, proxies, and exits 0 after a graceful drain on SIGTERM', async () => {
    const backend = createServer((_req, res) => res.end('hello from b1'));
    await new Promise<void>((r) => backend.listen(0, '127.0.0.1', r));
    cleanups.push(() => new Promise((r) => (backend.closeAllConnections(), backend.close(r))));
    const path = await configFile(`
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
    const r = run(['serve', '--config', path]);
    const deadline = Date.now() + 20_000;
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
