// Runs a target's rendered launch: files into a fresh temp dir, the command in its own process
// group, ready when the listen port accepts. close() kills the whole group (nginx has workers)
// and removes the dir; it is safe to call twice and runs on every path via AsyncDisposable.
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtemp, mkdir, rm, writeFile } from 'node:fs/promises';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import type { Endpoint, TargetLaunch } from '../../harness/index.ts';

export class LaunchError extends Error {
  readonly code = 'FULCRUM_ERR_LAUNCH';
  constructor(message: string) {
    super(message);
    this.name = 'LaunchError';
  }
}

export interface Launched extends AsyncDisposable {
  readonly pid: number;
  readonly dir: string;
  /** Last lines the process wrote, for error messages. */
  output(): string;
  close(): Promise<void>;
}

export async function launch(spec: TargetLaunch, options: { readyTimeoutMs?: number } = {}): Promise<Launched> {
  const dir = await mkdtemp(join(tmpdir(), 'fulcrum-bench-'));
  const fill = (s: string) => s.replaceAll('{{dir}}', dir);
  for (const f of spec.files) {
    const path = join(dir, f.path);
    await mkdir(dirname(path), { recursive: true });
    await writeFile(path, fill(f.content));
  }
  const [cmd, ...args] = spec.command.map(fill);
  if (!cmd) throw new LaunchError('target launch has an empty command');
  const child: ChildProcess = spawn(cmd, args, { cwd: dir, detached: true, stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, ...spec.env } });
  let log = '';
  const keep = (b: Buffer) => void (log = (log + b.toString()).slice(-4000));
  child.stdout?.on('data', keep);
  child.stderr?.on('data', keep);
  let exited = false;
  const exit = new Promise<void>((resolve) => child.once('exit', () => ((exited = true), resolve())));
  child.once('error', (err) => void (log += `\n${err.message}`));

  let closing: Promise<void> | undefined;
  const close = () =>
    (closing ??= (async () => {
      if (!exited && child.pid) {
        signalGroup(child.pid, 'SIGTERM');
        const killed = await Promise.race([exit.then(() => true), new Promise<boolean>((r) => setTimeout(() => r(false), 3000).unref())]);
        if (!killed) signalGroup(child.pid, 'SIGKILL');
        await Promise.race([exit, new Promise((r) => setTimeout(r, 2000).unref())]);
      }
      // Workers may outlive the leader for a moment; make sure the group is gone.
      if (child.pid) signalGroup(child.pid, 'SIGKILL');
      await rm(dir, { recursive: true, force: true });
    })());

  try {
    if (!child.pid) throw new LaunchError(`could not start ${cmd}: ${log.trim() || 'spawn failed'}`);
    const ready = spec.readyWhen ?? { delayMs: 500 };
    if ('tcp' in ready) await waitForTcp(ready.tcp, options.readyTimeoutMs ?? 10_000, () => exited, () => log);
    else await new Promise((r) => setTimeout(r, ready.delayMs));
    if (exited) throw new LaunchError(`${cmd} exited during start-up: ${log.trim()}`);
  } catch (err) {
    await close();
    throw err;
  }
  return { pid: child.pid, dir, output: () => log, close, [Symbol.asyncDispose]: close };
}

function signalGroup(pid: number, signal: NodeJS.Signals): void {
  try {
    process.kill(-pid, signal);
  } catch {
    // already gone
  }
}

async function waitForTcp(ep: Endpoint, timeoutMs: number, exited: () => boolean, log: () => string): Promise<void> {
  const deadline = performance.now() + timeoutMs;
  while (performance.now() < deadline) {
    if (exited()) throw new LaunchError(`balancer exited before listening on ${ep.host}:${ep.port}: ${log().trim()}`);
    const ok = await new Promise<boolean>((resolve) => {
      const s = connect({ host: ep.host, port: ep.port });
      s.once('connect', () => (s.destroy(), resolve(true)));
      s.once('error', () => (s.destroy(), resolve(false)));
    });
    if (ok) return;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new LaunchError(`balancer did not listen on ${ep.host}:${ep.port} within ${timeoutMs} ms: ${log().trim()}`);
}

/** A free TCP port on host (bind to 0, read, release). */
export async function freePort(host: string): Promise<number> {
  const { createServer } = await import('node:net');
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.once('error', reject);
    srv.listen(0, host, () => {
      const port = (srv.address() as { port: number }).port;
      srv.close(() => resolve(port));
    });
  });
}
