// Running an external load generator (wrk, h2load): found on PATH or a clear error naming it and how
// to install it; started in its own process group (tracked by the harness's cleanup, so Ctrl-C stops
// it), optionally pinned to one CPU with taskset, and killed with its group when it outlives its
// bound. Output is collected whole and parsed by the generator's pure parser.
import { spawn } from 'node:child_process';
import { accessSync, constants } from 'node:fs';
import { delimiter, join } from 'node:path';
import { trackGroup } from '../../harness/index.ts';

export class GeneratorMissingError extends Error {
  readonly code = 'FULCRUM_ERR_GENERATOR_MISSING';
  constructor(
    readonly generator: string,
    binary: string,
    install: string,
  ) {
    super(`load generator "${generator}" needs the program ${binary}, which is not on PATH: ${install} (or run bash scripts/ensure-system-packages.sh)`);
    this.name = 'GeneratorMissingError';
  }
}

/** The absolute path of an executable on PATH, or undefined. */
export function findOnPath(binary: string, path = process.env.PATH ?? ''): string | undefined {
  for (const dir of path.split(delimiter)) {
    if (!dir) continue;
    const full = join(dir, binary);
    try {
      accessSync(full, constants.X_OK);
      return full;
    } catch {
      // not here
    }
  }
  return undefined;
}

/** The command line with the pin in front: taskset -c <cpu> <argv…>, when a CPU is given. */
export function pinnedArgv(argv: readonly string[], cpu: number | undefined, taskset: string | undefined): string[] {
  return cpu !== undefined && taskset ? [taskset, '-c', String(cpu), ...argv] : [...argv];
}

export interface Finished {
  stdout: string;
  stderr: string;
  code: number | null;
  signal: NodeJS.Signals | null;
}

/** Runs argv to its end, killing its process group (SIGKILL) after killAfterMs; rejects then. */
export function runBounded(argv: readonly string[], killAfterMs: number, label: string): Promise<Finished> {
  return new Promise((resolve, reject) => {
    const [cmd, ...args] = argv as [string, ...string[]];
    const child = spawn(cmd, args, { stdio: ['ignore', 'pipe', 'pipe'], detached: true });
    const untrack = child.pid ? trackGroup(child.pid) : () => {};
    let stdout = '';
    let stderr = '';
    let killed = false;
    child.stdout.setEncoding('utf8').on('data', (d: string) => (stdout += d));
    child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d.length + stderr.length > 65_536 ? '' : d));
    const timer = setTimeout(() => {
      killed = true;
      try {
        if (child.pid) process.kill(-child.pid, 'SIGKILL');
      } catch {
        // already gone
      }
    }, killAfterMs);
    child.once('error', (err) => {
      clearTimeout(timer);
      untrack();
      reject(err);
    });
    child.once('close', (code, signal) => {
      clearTimeout(timer);
      untrack();
      if (killed) reject(new Error(`${label} did not finish within ${killAfterMs} ms and was killed`));
      else resolve({ stdout, stderr, code, signal });
    });
  });
}

/** The last few non-empty lines of a program's output, for error messages. */
export function tail(text: string, lines = 3): string {
  return text.split('\n').map((l) => l.trim()).filter(Boolean).slice(-lines).join(' / ');
}
