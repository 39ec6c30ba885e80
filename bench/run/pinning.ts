// Keeping the load generator on a CPU of its own: on a machine with n allowed CPUs the generator
// runs on the last (taskset -c), and the run's balancers and backend host are moved to the others
// (taskset -a -p on every process of their groups), so the generator's ceiling is not shared with
// what it measures. Only external generators can be pinned (autocannon runs inside fulcrum's own
// process, whose children would inherit its mask); LVS variants run in containers and are left alone.
import { execFile } from 'node:child_process';
import { readdir, readFile } from 'node:fs/promises';
import { promisify } from 'node:util';
import { parseStat } from './cpu.ts';

const run = promisify(execFile);

export interface CpuPlan {
  pinned: boolean;
  /** The generator's CPU, when pinned. */
  generatorCpu?: number;
  /** The CPUs left for the balancers and backends (a taskset list such as "0" or "0-2"). */
  otherCpus?: string;
  /** Why (not) pinned, for the results' environment. */
  note: string;
}

/** "0-2,4" (Cpus_allowed_list) → [0, 1, 2, 4]. Pure. */
export function parseCpuList(list: string): number[] {
  const cpus: number[] = [];
  for (const part of list.trim().split(',')) {
    if (!part) continue;
    const [a, b] = part.split('-').map(Number);
    if (!Number.isInteger(a)) continue;
    for (let c = a as number; c <= (Number.isInteger(b) ? (b as number) : (a as number)); c++) cpus.push(c);
  }
  return cpus;
}

/** Which CPU the generator gets. Pure. */
export function planCpus(generator: { name: string; pinnable: boolean }, allowed: readonly number[], taskset: string | undefined): CpuPlan {
  if (!generator.pinnable) return { pinned: false, note: `${generator.name} runs inside fulcrum's own process: not pinned` };
  if (!taskset) return { pinned: false, note: 'taskset (util-linux) not found: not pinned' };
  if (allowed.length < 2) return { pinned: false, note: `only ${allowed.length} CPU allowed: nothing to pin apart` };
  const generatorCpu = allowed[allowed.length - 1] as number;
  const otherCpus = allowed.slice(0, -1).join(',');
  return { pinned: true, generatorCpu, otherCpus, note: `${generator.name} pinned to CPU ${generatorCpu}; balancers and backends to CPU ${otherCpus}` };
}

/** The CPUs this process may run on, from /proc/self/status; undefined when unreadable. */
export async function allowedCpus(): Promise<number[] | undefined> {
  try {
    const m = /^Cpus_allowed_list:\s*(\S+)/m.exec(await readFile('/proc/self/status', 'utf8'));
    return m ? parseCpuList(m[1] as string) : undefined;
  } catch {
    return undefined;
  }
}

/** Moves every thread of every process in the group to `cpus`; returns how many processes moved. */
export async function pinGroup(taskset: string, pgid: number, cpus: string): Promise<number> {
  let moved = 0;
  for (const e of await readdir('/proc').catch(() => [] as string[])) {
    if (!/^\d+$/.test(e)) continue;
    const s = parseStat(await readFile(`/proc/${e}/stat`, 'utf8').catch(() => ''));
    if (s?.pgrp !== pgid) continue;
    try {
      await run(taskset, ['-a', '-p', '-c', cpus, e], { timeout: 5000 });
      moved++;
    } catch {
      // exited while we looked
    }
  }
  return moved;
}
