// The environment block every results file carries, so a figure can be traced to where it came from.
import { execFileSync } from 'node:child_process';
import { arch, cpus, loadavg, release, type } from 'node:os';
import { fileURLToPath } from 'node:url';
import { version } from './version.ts';
import type { Environment } from './results.ts';

function gitSha(): string | undefined {
  try {
    const repo = fileURLToPath(new URL('../..', import.meta.url));
    return execFileSync('git', ['rev-parse', 'HEAD'], { cwd: repo, stdio: ['ignore', 'pipe', 'ignore'], timeout: 2000 })
      .toString()
      .trim();
  } catch {
    return undefined; // not a git checkout (installed from a package)
  }
}

/** The environment of a conformance run (results@1) and, extended by bench, of a bench run (bench@1). */
export function collectEnvironment(): Environment {
  const sha = gitSha();
  return {
    node: process.version,
    os: `${type()} ${release()} ${process.arch}`,
    cpus: cpus().length,
    cpuModel: cpus()[0]?.model,
    fulcrumVersion: version(),
    ...(sha ? { gitSha: sha } : {}),
  };
}

/** Where micro-benchmark figures were measured (micro@1): they mean little without the machine. */
export function microEnvironment(): { node: string; os: string; cpus: number; cpuModel: string; loadAverage: number[] } {
  const list = cpus();
  return {
    node: process.version,
    os: `${type()} ${release()} ${arch()}`,
    cpus: Math.max(1, list.length),
    cpuModel: list[0]?.model.trim() ?? 'unknown',
    loadAverage: loadavg().map((v) => Math.round(v * 100) / 100),
  };
}
