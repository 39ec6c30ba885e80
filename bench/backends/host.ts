// Starts the bench backends in a child process (host-main.ts) and talks to it over IPC.
// close() stops it on every path; the child also exits when the parent disconnects.
import { fork, type ChildProcess } from 'node:child_process';
import { nodeCommand, trackGroup } from '../../harness/index.ts';
import type { HostReply, HostRequest } from './host-main.ts';
import type { BenchBackendSpec } from './server.ts';

export interface BackendHost extends AsyncDisposable {
  readonly pid: number;
  readonly backends: { id: string; host: string; port: number }[];
  /** Resets counts and model clocks, before a repetition's load starts. */
  begin(): Promise<void>;
  /** Requests each backend served since begin(); read after the load stopped. */
  snapshot(): Promise<Record<string, number>>;
  close(): Promise<void>;
}

export async function startBackendHost(specs: BenchBackendSpec[], timeoutMs = 45_000): Promise<BackendHost> {
  // From the bundle when it builds (a cold tsx start costs ~1 s of CPU on the machine being measured).
  const [, ...args] = await nodeCommand('bench/backends/host-main.ts');
  const main = args.pop() as string;
  // Its own process group, tracked by the harness's cleanup: Ctrl-C reaches the bench, which stops
  // it in order, and whatever is left at exit is killed with its group.
  const child: ChildProcess = fork(main, [], { execArgv: args, stdio: ['ignore', 'inherit', 'inherit', 'ipc'], detached: true });
  const untrack = child.pid ? trackGroup(child.pid) : () => {};
  let exited = false;
  const exit = new Promise<void>((resolve) => child.once('exit', () => ((exited = true), untrack(), resolve())));

  const ask = <T extends HostReply['type']>(req: HostRequest, want: T): Promise<Extract<HostReply, { type: T }>> =>
    new Promise((resolve, reject) => {
      const timer = setTimeout(() => done(new Error(`backend host did not answer "${req.type}" within ${timeoutMs} ms`)), timeoutMs);
      const onMessage = (m: HostReply) => {
        if (m.type === 'error') done(new Error(`backend host: ${m.message}`));
        else if (m.type === want) done(undefined, m as Extract<HostReply, { type: T }>);
      };
      const onExit = () => done(new Error('backend host exited'));
      const done = (err?: Error, value?: Extract<HostReply, { type: T }>) => {
        clearTimeout(timer);
        child.off('message', onMessage);
        child.off('exit', onExit);
        if (err) reject(err);
        else resolve(value as Extract<HostReply, { type: T }>);
      };
      child.on('message', onMessage);
      child.once('exit', onExit);
      child.send(req);
    });

  let closing: Promise<void> | undefined;
  const close = () =>
    (closing ??= (async () => {
      if (exited) return;
      if (child.connected) child.send({ type: 'stop' } satisfies HostRequest);
      const stopped = await Promise.race([exit.then(() => true), new Promise<boolean>((r) => setTimeout(() => r(false), 3000).unref())]);
      if (!stopped) child.kill('SIGKILL');
      await exit;
    })());

  try {
    const ready = await ask({ type: 'start', specs }, 'ready');
    return {
      pid: child.pid as number,
      backends: ready.backends,
      begin: async () => void (await ask({ type: 'begin' }, 'begun')),
      snapshot: async () => (await ask({ type: 'snapshot' }, 'snapshot')).counts,
      close,
      [Symbol.asyncDispose]: close,
    };
  } catch (err) {
    await close();
    throw err;
  }
}
