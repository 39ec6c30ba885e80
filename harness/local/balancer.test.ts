import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { afterEach, describe, expect, it } from 'vitest';
import { spawnBalancer } from './balancer.ts';
import { freePort, liveGroups } from '../hosts/index.ts';
import type { Scenario } from '../types.ts';

class StartError extends Error {}

/** Running, not a zombie (an orphan's zombie lingers until this sandbox's init reaps it). */
const alive = (pid: number) => {
  try {
    process.kill(pid, 0);
  } catch {
    return false;
  }
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3) !== 'Z';
  } catch {
    return false;
  }
};

const scenarioOn = (port: number): Scenario => ({ mode: 'tcp', algorithm: { name: 'rr' }, listen: { host: '127.0.0.1', port }, backends: [] });

afterEach(() => expect(liveGroups()).toEqual([]));

describe('spawnBalancer', () => {
  it('writes files, waits for the port, and kills the whole process group on stop', async () => {
    const port = await freePort('127.0.0.1');
    // The leader starts a child in its group (like nginx's workers), then listens.
    const script = `
      import { spawn } from 'node:child_process';
      import net from 'node:net';
      import { readFileSync } from 'node:fs';
      const child = spawn(process.execPath, ['-e', 'setInterval(() => {}, 1000)'], { stdio: 'ignore' });
      console.log('child', child.pid);
      net.createServer().listen(Number(readFileSync(new URL('./port.txt', import.meta.url), 'utf8')), '127.0.0.1');
    `;
    const balancer = await spawnBalancer(
      'fixture',
      { files: [{ path: 'main.mjs', content: script }, { path: 'conf/port.txt', content: String(port) }, { path: 'port.txt', content: String(port) }], command: [process.execPath, '{{dir}}/main.mjs'] },
      (m) => new StartError(m),
    );
    let childPid = 0;
    try {
      await balancer.waitReady(scenarioOn(port), 10_000);
      await new Promise((r) => setTimeout(r, 200));
      childPid = Number(/child (\d+)/.exec(balancer.proc.logs())?.[1]);
      expect(existsSync(`${balancer.dir}/conf/port.txt`)).toBe(true);
      expect(alive(balancer.proc.pid)).toBe(true);
      expect(alive(childPid)).toBe(true);
    } finally {
      await balancer.stop();
      await balancer.stop(); // idempotent
    }
    await new Promise((r) => setTimeout(r, 100));
    expect(alive(balancer.proc.pid)).toBe(false);
    expect(alive(childPid)).toBe(false);
    expect(existsSync(balancer.dir)).toBe(false);
  });

  it('says what the balancer printed when it exits during start-up', async () => {
    const port = await freePort('127.0.0.1');
    const balancer = await spawnBalancer('fixture', { files: [], command: [process.execPath, '-e', 'console.error("[ALERT] bad config line 3"); process.exit(1)'] }, (m) => new StartError(m));
    try {
      const err = await balancer.waitReady(scenarioOn(port), 10_000).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(StartError);
      expect((err as Error).message).toContain('[ALERT] bad config line 3');
    } finally {
      await balancer.stop();
    }
  });

  it('a command that cannot run: the error comes from makeError and the directory is gone', async () => {
    const name = `enoent-${process.pid}`;
    const err = await spawnBalancer(name, { files: [], command: ['/nonexistent/balancer'] }, (m) => new StartError(m)).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(StartError);
    expect((err as Error).message).toBe(`target ${name}: cannot run /nonexistent/balancer: ENOENT`);
    expect(readdirSync(tmpdir()).filter((d) => d.startsWith(`fulcrum-${name}-`))).toEqual([]);
  });
});
