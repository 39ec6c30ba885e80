// Where a bench figure came from: machine, kernel, node, git sha, and each target's version.
import { cpus, loadavg, release } from 'node:os';
import { collectEnvironment, type BenchEnvironment } from '../../reports/schema/index.ts';

export function benchEnvironment(targetVersions: Record<string, string>): BenchEnvironment {
  const base = collectEnvironment();
  return {
    ...base,
    kernel: release(),
    cpuModel: cpus()[0]?.model ?? 'unknown',
    targetVersions,
    loadavg: loadavg().map((x) => Math.round(x * 100) / 100),
  };
}
