import { describe, expect, it } from 'vitest';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { defaultConnectionCap, FD_RESERVE, openFileLimit } from './fd-budget.ts';

describe('fd budget', () => {
  it('reads the soft open-file limit from /proc', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'fulcrum-fd-'));
    try {
      const file = join(dir, 'limits');
      await writeFile(file, 'Limit                     Soft Limit           Hard Limit           Units\nMax open files            256                  4096                 files\n');
      expect(openFileLimit(file)).toBe(256);
      await writeFile(file, 'Max open files            unlimited            unlimited            files\n');
      expect(openFileLimit(file)).toBeUndefined();
      expect(openFileLimit(join(dir, 'missing'))).toBeUndefined();
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
    if (process.platform === 'linux') expect(openFileLimit()).toBeGreaterThan(0);
  });

  it('caps each listener below the limit, leaving the reserve and a backend fd per client', () => {
    expect(defaultConnectionCap(1, 1024)).toBe((1024 - FD_RESERVE) / 2);
    expect(defaultConnectionCap(2, 1024)).toBe((1024 - FD_RESERVE) / 4);
    expect(defaultConnectionCap(1, 10)).toBe(1);
    expect(defaultConnectionCap(1, undefined)).toBeUndefined();
    expect(defaultConnectionCap(0, 1024)).toBeUndefined();
  });
});

// A balancer in a child process with a low RLIMIT_NOFILE (prlimit), flooded with idle clients:
// with the default cap its health checks keep connecting and established clients keep working;
// with the cap lifted above the fd limit the same flood starves the health checks (so the test can
// tell the two apart).
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { connect, createServer, type AddressInfo, type Socket } from 'node:net';

const PRLIMIT = '/usr/bin/prlimit';
const FD_LIMIT = 160;

async function floodedBalancer(connectionsLine: string): Promise<{ downs: number; established: string; refused: number }> {
  const backend = createServer((s) => s.on('data', () => s.write('HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok')).on('error', () => s.destroy()));
  await new Promise<void>((r) => backend.listen(0, '127.0.0.1', r));
  const dir = await mkdtemp(join(tmpdir(), 'fulcrum-fd-'));
  const clients: Socket[] = [];
  const script = join(dir, 'child.mts');
  const root = join(import.meta.dirname, '..');
  await writeFile(
    script,
    `import { parseConfig } from ${JSON.stringify(join(root, 'reference/config/load.ts'))};
import { startBalancer } from ${JSON.stringify(join(root, 'reference/daemon.ts'))};
const lb = await startBalancer(parseConfig(\`
version: 1
listeners:
  - name: web
    mode: http
    listen: 127.0.0.1:0
${connectionsLine}
    health: { type: tcp, interval: 50, timeout: 200, rise: 1, fall: 2 }
    backends: [{ id: b1, address: "127.0.0.1:${(backend.address() as AddressInfo).port}" }]
\`, 'child.yaml'), { log: (l) => console.log(l) });
console.log('PORT ' + lb.listeners[0].port);
process.on('SIGTERM', () => lb.close().then(() => process.exit(0)));
`,
  );
  const child = spawn(PRLIMIT, [`--nofile=${FD_LIMIT}:${FD_LIMIT}`, process.execPath, '--import', 'tsx', script], { cwd: root, stdio: ['ignore', 'pipe', 'inherit'] });
  let out = '';
  child.stdout!.on('data', (d) => (out += d));
  const exited = new Promise((r) => child.once('close', r));
  try {
    const port = await new Promise<number>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`child did not start: ${out}`)), 20_000);
      void exited.then(() => reject(new Error(`child exited: ${out}`)));
      child.stdout!.on('data', () => {
        const m = /PORT (\d+)/.exec(out);
        if (m) {
          clearTimeout(timer);
          resolve(Number(m[1]));
        }
      });
    });
    let refused = 0;
    // 150 idle clients against 160 descriptors (bounded: 150 connections, each closed at the end).
    for (let i = 0; i < 150; i++) {
      const s = connect({ host: '127.0.0.1', port });
      s.on('error', () => {});
      s.on('close', () => refused++);
      clients.push(s);
    }
    await new Promise((r) => setTimeout(r, 1500)); // 30 health intervals
    const established = await new Promise<string>((resolve) => {
      const s = clients[0]!;
      let text = '';
      const timer = setTimeout(() => resolve(text || 'no answer'), 3000);
      s.on('data', (d: Buffer) => {
        text += d.toString('latin1');
        clearTimeout(timer);
        resolve(text.split('\r\n')[0]!);
      });
      s.on('close', () => resolve(text || 'closed'));
      s.write('GET / HTTP/1.1\r\nHost: a\r\n\r\n');
    });
    return { downs: out.split('\n').filter((l) => / DOWN /.test(l)).length, established, refused };
  } finally {
    for (const s of clients) s.destroy();
    child.kill('SIGTERM');
    await exited;
    await new Promise((r) => backend.close(r));
    await rm(dir, { recursive: true, force: true });
  }
}

describe.skipIf(!existsSync(PRLIMIT))(`a balancer with ${FD_LIMIT} file descriptors and 150 idle clients`, () => {
  it('default cap: new clients past it are closed, health checks stay up, an established client gets its answer', async () => {
    const r = await floodedBalancer('');
    expect(r.downs).toBe(0);
    expect(r.established).toBe('HTTP/1.1 200 OK');
    expect(r.refused).toBeGreaterThanOrEqual(150 - defaultConnectionCap(1, FD_LIMIT)!);
  }, 40_000);

  it('cap lifted above the fd limit: the same flood starves the health checks (what the cap prevents)', async () => {
    const r = await floodedBalancer('    limits: { connections: 100000 }');
    expect(r.downs).toBeGreaterThan(0);
  }, 40_000);
});
