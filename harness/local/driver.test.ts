import { afterEach, describe, expect, it } from 'vitest';
import { execFileSync, spawn } from 'node:child_process';
import { createServer, type Server } from 'node:net';
import { fileURLToPath } from 'node:url';
import { startLocal, TopologyStartError } from './driver.ts';
import { liveGroups, freePort, LoopbackClient } from '../hosts/index.ts';
import { listensOnly, tinyTarget } from './fixtures/tiny-target.ts';
import { resolveTarget } from '../targets/registry.ts';
import { commandExists } from '../targets/commands.ts';
import { sequentialHttp } from '../../suites/index.ts';
import type { ScenarioPlan } from '../types.ts';

const HAVE_HAPROXY = await commandExists('haproxy');
const plan = (over: Partial<ScenarioPlan> = {}): ScenarioPlan => ({ mode: 'tcp', algorithm: { name: 'rr' }, backends: [1, 2, 3].map((i) => ({ id: `b${i}`, weight: 1 })), ...over });

/** Processes whose parent is this test process (agents, balancers): must be none after teardown. */
function children(): string[] {
  try {
    return execFileSync('ps', ['-o', 'pid=,args=', '--ppid', String(process.pid)], { encoding: 'utf8' })
      .split('\n')
      .filter((l) => l.trim() && !/\bps -o\b/.test(l));
  } catch {
    return []; // ps exits 1 when nothing matches
  }
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

afterEach(() => {
  expect(liveGroups()).toEqual([]);
  expect(children()).toEqual([]);
});

describe('local driver', () => {
  it('starts agents and the balancer on the loopback ranges, and stops everything', async () => {
    const topo = await startLocal({ target: listensOnly, plan: plan(), clients: 2 });
    try {
      expect(topo.entry.host).toBe('127.20.0.1');
      expect(topo.backends.map((b) => b.endpoint.host)).toEqual(['127.30.0.1', '127.30.0.2', '127.30.0.3']);
      expect(topo.clients.map((c) => c.address)).toEqual(['127.10.0.1', '127.10.0.2']);
      expect(topo.scenario.backends.map((b) => b.port)).toEqual(topo.backends.map((b) => b.endpoint.port));
      expect(liveGroups()).toHaveLength(4);
      // A backend restarts on the same address and port, with fresh records.
      const b1 = topo.backend('b1');
      const before = b1.endpoint;
      await b1.stop();
      expect(b1.running).toBe(false);
      await b1.start();
      expect(b1.endpoint).toEqual(before);
      expect(await b1.records()).toEqual([]);
      expect(() => topo.backend('nope')).toThrow(/no backend "nope"/);
    } finally {
      await topo.stop();
      await topo.stop(); // idempotent
    }
  });

  it('a target whose command exits at once: clear message with its output, nothing left', async () => {
    const quick = tinyTarget('quick-exit', () => `console.error('boom: cannot bind'); process.exit(3)`);
    const err = (await startLocal({ target: quick, plan: plan() }).catch((e: unknown) => e)) as Error;
    expect(err).toBeInstanceOf(TopologyStartError);
    expect(err.message).toMatch(/^target quick-exit exited \(code 3, signal null\) before it was ready on 127\.20\.0\.1:\d+/);
    expect(err.message).toContain('boom: cannot bind');
  });

  it('a target that never listens: bounded wait, message names the address', async () => {
    const silent = tinyTarget('never-ready', () => 'setTimeout(() => {}, 60000)');
    const err = (await startLocal({ target: silent, plan: plan() }, { readyTimeoutMs: 800 }).catch((e: unknown) => e)) as Error;
    expect(err).toBeInstanceOf(TopologyStartError);
    expect(err.message).toMatch(/^target never-ready did not accept connections on 127\.20\.0\.1:\d+ within 800 ms/);
  });

  it('a command that does not exist: clear message', async () => {
    const missing = { ...listensOnly, name: 'missing', render: () => ({ files: [], command: ['/nonexistent/balancer'] }) };
    await expect(startLocal({ target: missing, plan: plan() })).rejects.toThrow(/target missing: cannot run \/nonexistent\/balancer: ENOENT/);
  });

  it('listen port in use: clear message, nothing left', async () => {
    const port = await freePort('127.20.0.1');
    const squatter: Server = createServer();
    await new Promise<void>((r) => squatter.listen(port, '127.20.0.1', () => r()));
    try {
      await expect(startLocal({ target: listensOnly, plan: plan() }, { listenPort: port })).rejects.toThrow(`target listens-only: listen address 127.20.0.1:${port} is already in use`);
    } finally {
      await new Promise((r) => squatter.close(r));
    }
  });

  it.skipIf(!HAVE_HAPROXY)('a backend refusing connections: the failure comes back as data, nothing hangs (haproxy installed)', async () => {
    await using topo = await startLocal({ target: await resolveTarget('haproxy'), plan: plan({ mode: 'http' }) });
    await topo.backend('b2').stop();
    const { sequence, failures } = await sequentialHttp(topo.clients[0]!, 3);
    // HAProxy round robin without health checks: b2's turn is answered 503 after its connect retries.
    expect(sequence).toHaveLength(2);
    expect(sequence).not.toContain('b2');
    expect(failures).toEqual([{ index: expect.any(Number), what: 'HTTP 503' }]);
    const refused = await new LoopbackClient('127.10.0.1', topo.backend('b2').endpoint).tcp('x');
    expect(refused).toMatchObject({ ok: false, error: 'ECONNREFUSED' });
  });

  it('20 MB up and down through the reference balancer: both checksums match, the backend is named', async () => {
    const MB20 = 20_000_000;
    for (const mode of ['tcp', 'http'] as const) {
      await using topo = await startLocal({ target: await resolveTarget('reference'), plan: plan({ mode }) });
      const outcome = await topo.clients[0]!.transfer({ upBytes: MB20, downBytes: MB20 });
      expect(outcome, mode).toMatchObject({ ok: true, up: { bytes: MB20, match: true }, down: { bytes: MB20, match: true }, local: { host: '127.10.0.1' } });
      const backend = outcome.ok ? outcome.backend : undefined;
      expect(['b1', 'b2', 'b3'], mode).toContain(backend);
      // The download's backend saw the GET; the balancer stands between client and backend.
      const seen = (await topo.backend(backend!).records()).find((r) => r.path?.startsWith('/bytes?'));
      expect(seen, mode).toMatchObject({ method: 'GET', path: expect.stringContaining(`n=${MB20}`) });
    }
  });

  it('Ctrl-C: a harness process stops everything it started and exits 130', async () => {
    const script = fileURLToPath(new URL('./fixtures/sigint-child.ts', import.meta.url));
    const child = spawn(process.execPath, ['--import', 'tsx', script], { stdio: ['ignore', 'pipe', 'pipe'] });
    const pids = await new Promise<number[]>((resolve, reject) => {
      let out = '';
      child.stdout.on('data', (d: Buffer) => {
        out += d.toString();
        const line = out.split('\n').find((l) => l.startsWith('{'));
        if (line) resolve((JSON.parse(line) as { pids: number[] }).pids);
      });
      child.once('exit', (code) => reject(new Error(`child exited early with ${code}`)));
      setTimeout(() => reject(new Error('child did not start a topology in 30 s')), 30_000);
    }).catch((err: Error) => {
      child.kill('SIGKILL');
      throw err;
    });
    expect(pids).toHaveLength(3);
    expect(pids.every(alive)).toBe(true);
    const exited = new Promise<number | null>((r) => child.once('exit', (code) => r(code)));
    child.kill('SIGINT');
    expect(await exited).toBe(130);
    expect(pids.filter(alive)).toEqual([]);
  });
});
