// Where the figures were measured: they mean little without the machine.
import { arch, cpus, loadavg, release, type } from 'node:os';

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
