// A process inside a container, started through the engine's exec API with stdin held open by
// this process: if the harness dies, the engine closes the stream and the agent (which exits on
// stdin EOF) goes with it. Its output is read line by line, like a local child's.
import { PassThrough } from 'node:stream';
import type { ContainerRuntimeClient } from 'testcontainers';

const TAIL_LINES = 40;
const PID_LINE = /^fulcrum-pid (\d+)$/;

export interface RemoteExit {
  code: number | null;
  signal: string | null;
}

export interface RemoteProcess {
  /** The pid inside the container. */
  readonly pid: number;
  readonly description: string;
  logs(): string;
  exited(): RemoteExit | undefined;
  whenExited(): Promise<RemoteExit>;
  /** SIGTERM, SIGKILL after graceMs (0: SIGKILL at once); resolves once it has exited (bounded). */
  kill(graceMs?: number): Promise<void>;
}

export class RemoteSpawnError extends Error {
  readonly code = 'FULCRUM_ERR_REMOTE_SPAWN';
}

type Container = ReturnType<ContainerRuntimeClient['container']['dockerode']['getContainer']>;
type Exec = Awaited<ReturnType<Container['exec']>>;

/** The last TAIL_LINES lines of stdout and stderr (stderr prefixed), read line by line; the wrapper's
 *  pid line goes to onPid instead of the tail. */
function readOutput(stdout: PassThrough, stderr: PassThrough, onPid: (pid: number) => void, onStdoutLine?: (line: string) => void): string[] {
  const tail: string[] = [];
  const lines = (prefix: string, onLine?: (line: string) => void) => {
    let partial = '';
    return (chunk: Buffer) => {
      const parts = (partial + chunk.toString('utf8')).split('\n');
      partial = parts.pop() ?? '';
      for (const line of parts) {
        const pid = PID_LINE.exec(line);
        if (pid && prefix === '') {
          onPid(Number(pid[1]));
          continue;
        }
        tail.push(`${prefix}${line}`);
        if (tail.length > TAIL_LINES) tail.shift();
        onLine?.(line);
      }
    };
  };
  stdout.on('data', lines('', onStdoutLine));
  stderr.on('data', lines('stderr: '));
  return tail;
}

/** Resolves once the exec's stream ends, with the exit code the engine reports (null: container gone). */
function watchExit(exec: Exec, stream: NodeJS.ReadWriteStream): { ended: Promise<RemoteExit>; current: () => RemoteExit | undefined } {
  let exit: RemoteExit | undefined;
  const ended = new Promise<RemoteExit>((resolve) => {
    const done = async () => {
      if (exit) return;
      let code: number | null = null;
      try {
        code = (await exec.inspect()).ExitCode ?? null;
      } catch {
        // the container is gone: no exit code to read
      }
      exit ??= { code, signal: code !== null && code > 128 ? `signal ${code - 128}` : null };
      resolve(exit);
    };
    stream.on('end', () => void done());
    stream.on('close', () => void done());
    stream.on('error', () => void done());
  });
  return { ended, current: () => exit };
}

/** Sends a signal to a pid inside the container through a second exec. */
async function signalInContainer(container: Container, pid: number, name: 'TERM' | 'KILL'): Promise<void> {
  try {
    const killer = await container.exec({ Cmd: ['kill', `-${name}`, String(pid)], AttachStdout: true, AttachStderr: true });
    const s = await killer.start({});
    s.resume();
    await new Promise((r) => s.on('end', r));
  } catch {
    // the container is gone, and the process with it
  }
}

export async function startRemoteProcess(
  client: ContainerRuntimeClient,
  containerId: string,
  argv: string[],
  options: { label: string; env?: Record<string, string>; workingDir?: string; onStdoutLine?: (line: string) => void; startTimeoutMs?: number },
): Promise<RemoteProcess> {
  const docker = client.container.dockerode;
  const container = docker.getContainer(containerId);
  // The wrapper shell announces its pid, then becomes the command: that pid is the command's.
  const exec = await container.exec({
    Cmd: ['/bin/sh', '-c', 'echo "fulcrum-pid $$"; exec "$@"', 'sh', ...argv],
    Env: Object.entries(options.env ?? {}).map(([k, v]) => `${k}=${v}`),
    ...(options.workingDir ? { WorkingDir: options.workingDir } : {}),
    AttachStdin: true,
    AttachStdout: true,
    AttachStderr: true,
    Tty: false,
  });
  const stream = await exec.start({ hijack: true, stdin: true });
  const stdout = new PassThrough();
  const stderr = new PassThrough();
  docker.modem.demuxStream(stream, stdout, stderr);

  let resolvePid!: (pid: number) => void;
  const pidKnown = new Promise<number>((r) => (resolvePid = r));
  const tail = readOutput(stdout, stderr, resolvePid, options.onStdoutLine);
  const { ended, current } = watchExit(exec, stream);

  const timeoutMs = options.startTimeoutMs ?? 30_000;
  let timer: NodeJS.Timeout | undefined;
  const pid = await Promise.race([
    pidKnown,
    ended.then(() => undefined),
    new Promise<undefined>((r) => (timer = setTimeout(() => r(undefined), timeoutMs))),
  ]);
  clearTimeout(timer);
  if (pid === undefined) {
    stream.destroy();
    throw new RemoteSpawnError(`${options.label}: could not start ${argv.join(' ')} in container ${containerId.slice(0, 12)}\n${tail.join('\n')}`);
  }

  const waitExit = (ms: number) => Promise.race([ended, new Promise<undefined>((r) => setTimeout(() => r(undefined), ms).unref())]);
  return {
    pid,
    description: `${argv.join(' ')} (container ${containerId.slice(0, 12)}, pid ${pid})`,
    logs: () => tail.join('\n'),
    exited: current,
    whenExited: () => ended,
    async kill(graceMs = 1500) {
      if (current()) return;
      if (graceMs > 0) {
        await signalInContainer(container, pid, 'TERM');
        if (await waitExit(graceMs)) return;
      }
      await signalInContainer(container, pid, 'KILL');
      if (!(await waitExit(3000))) stream.destroy();
    },
  };
}
