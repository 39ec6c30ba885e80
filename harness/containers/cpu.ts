// CPU time used by everything in a container, from its own cgroup as seen inside it: cgroup v2
// cpu.stat (usage_usec) or cgroup v1 cpuacct.usage (nanoseconds). Work the kernel does in softirq
// (nftables forwarding) is not charged to the container: this measures userspace data planes.
import type { ContainerHost } from './topology.ts';

/** Tried in order; the first readable one is printed after its own path. */
export const CGROUP_CPU_FILES = ['/sys/fs/cgroup/cpu.stat', '/sys/fs/cgroup/cpuacct/cpuacct.usage', '/sys/fs/cgroup/cpu,cpuacct/cpuacct.usage'] as const;

/** Seconds from one of CGROUP_CPU_FILES, or undefined when the text is not what that file holds. */
export function parseCgroupCpu(path: string, text: string): number | undefined {
  if (path.endsWith('/cpu.stat')) {
    const m = /^usage_usec (\d+)$/m.exec(text);
    return m ? Number(m[1]) / 1e6 : undefined;
  }
  const ns = text.trim();
  return /^\d+$/.test(ns) ? Number(ns) / 1e9 : undefined;
}

/** The container's CPU seconds so far, or undefined when no cgroup file is readable. */
export async function containerCpuSeconds(host: ContainerHost): Promise<number | undefined> {
  const script = `for f in ${CGROUP_CPU_FILES.map((f) => `'${f}'`).join(' ')}; do if [ -r "$f" ]; then echo "$f"; cat "$f"; exit 0; fi; done; exit 1`;
  const r = await host.exec(['sh', '-c', script]);
  if (r.exitCode !== 0) return undefined;
  const newline = r.stdout.indexOf('\n');
  return newline < 0 ? undefined : parseCgroupCpu(r.stdout.slice(0, newline), r.stdout.slice(newline + 1));
}
