// The environment block every results file carries, so a figure can be traced to where it came from.
import { execFileSync } from 'node:child_process';
import { cpus, release, type } from 'node:os';
import { fileURLToPath } from 'node:url';
import { version } from '../cli/version.ts';
import type { Environment } from './results-schema.ts';

function gitSha(): string | undefined {
  try {
    const repo = fileURLToPath(new URL('..', import.meta.url));
    return execFileSync('git', ['rev-parse', 'HEAD'], { cwd: repo, stdio: ['ignore', 'pipe', 'ignore'], timeout: 2000 })
      .toString()
      .trim();
  } catch {
    return undefined; // not a git checkout (installed from a package)
  }
}

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
