import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { freePort, launch, LaunchError } from './launch.ts';

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

describe('launch', () => {
  it('writes files, waits for the port, and kills the whole process group on close', async () => {
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
    const proc = await launch({
      files: [{ path: 'main.mjs', content: script }, { path: 'port.txt', content: String(port) }],
      command: [process.execPath, '{{dir}}/main.mjs'],
      readyWhen: { tcp: { host: '127.0.0.1', port } },
    });
    let childPid = 0;
    try {
      await new Promise((r) => setTimeout(r, 200));
      childPid = Number(/child (\d+)/.exec(proc.output())?.[1]);
      expect(alive(proc.pid)).toBe(true);
      expect(alive(childPid)).toBe(true);
    } finally {
      await proc.close();
    }
    await new Promise((r) => setTimeout(r, 100));
    expect(alive(proc.pid)).toBe(false);
    expect(alive(childPid)).toBe(false);
  });

  it('says what the balancer printed when it exits during start-up', async () => {
    const port = await freePort('127.0.0.1');
    const err = await launch({
      files: [],
      command: [process.execPath, '-e', 'console.error("[ALERT] bad config line 3"); process.exit(1)'],
      readyWhen: { tcp: { host: '127.0.0.1', port } },
    }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(LaunchError);
    expect((err as Error).message).toContain('[ALERT] bad config line 3');
  });
});
