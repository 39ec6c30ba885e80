// A child process in its own process group, with a bounded log tail, killed as a group so that
// nothing it started outlives it. Every group started here is tracked until it has exited.
import { spawn, type ChildProcess } from 'node:child_process';
import { trackGroup } from '../hosts/index.ts';
import { recordGroup } from './group-registry.ts';

const TAIL_LINES = 40;

export interface SpawnedProcess {
  readonly pid: number;
  readonly child: ChildProcess;
  readonly description: string;
  logs(): string;
  exited(): { code: number | null; signal: string | null } | undefined;
  /** Resolves when the process has exited (immediately if it has). */
  whenExited(): Promise<{ code: number | null; signal: string | null }>;
  /** SIGTERM to the group, SIGKILL after graceMs; resolves once exited. graceMs 0: SIGKILL at once. */
  kill(graceMs?: number): Promise<void>;
}

function groupLives(pgid: number): boolean {
  try {
    process.kill(-pgid, 0);
    return true;
  } catch {
    return false;
  }
}

export class SpawnError extends Error {
  readonly code = 'FULCRUM_ERR_SPAWN';
}

export function spawnGroup(
  command: string[],
  options: { cwd?: string; env?: Record<string, string>; label: string; onStdoutLine?: (line: string) => void },
): Promise<SpawnedProcess> {
  const [file, ...args] = command;
  if (!file) throw new SpawnError(`${options.label}: empty command`);
  const child = spawn(file, args, {
    cwd: options.cwd,
    env: { ...process.env, ...options.env },
    detached: true,
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  const tail: string[] = [];
  const keep = (prefix: string) => {
    let partial = '';
    return (chunk: Buffer) => {
      const lines = (partial + chunk.toString('utf8')).split('\n');
      partial = lines.pop() ?? '';
      for (const line of lines) {
        if (prefix === '' && options.onStdoutLine) options.onStdoutLine(line);
        tail.push(prefix + line);
        if (tail.length > TAIL_LINES) tail.shift();
      }
    };
  };
  child.stdout?.on('data', keep(''));
  child.stderr?.on('data', keep(''));
  child.stdin?.on('error', () => {});
  let exit: { code: number | null; signal: string | null } | undefined;
  let untrack = () => {};
  let forget = () => {};
  const exitedPromise = new Promise<{ code: number | null; signal: string | null }>((resolve) => {
    child.once('exit', (code, signal) => {
      exit = { code, signal };
      untrack();
      if (!groupLives(child.pid as number)) forget(); // else kept on disk until kill() ends the group
      resolve(exit);
    });
  });

  return new Promise((resolve, reject) => {
    child.once('error', (err) => reject(new SpawnError(`${options.label}: cannot run ${file}: ${(err as NodeJS.ErrnoException).code ?? err.message}`)));
    child.once('spawn', () => {
      const pid = child.pid as number;
      untrack = trackGroup(pid);
      // On disk too: a SIGKILLed harness runs no handler; the next run reaps what it recorded.
      forget = recordGroup(pid, command.join(' '));
      const killGroup = (signal: NodeJS.Signals) => {
        try {
          process.kill(-pid, signal);
        } catch {
          // already gone
        }
      };
      resolve({
        pid,
        child,
        description: `${command.join(' ')} (pid ${pid})`,
        logs: () => tail.join('\n'),
        exited: () => exit,
        whenExited: () => exitedPromise,
        async kill(graceMs = 1000) {
          if (exit) {
            killGroup('SIGKILL'); // the leader is gone; make sure its group is too
            forget();
            return;
          }
          killGroup(graceMs > 0 ? 'SIGTERM' : 'SIGKILL');
          const timer = graceMs > 0 ? setTimeout(() => killGroup('SIGKILL'), graceMs) : undefined;
          await exitedPromise;
          clearTimeout(timer);
          killGroup('SIGKILL');
          forget();
        },
      });
    });
  });
}
