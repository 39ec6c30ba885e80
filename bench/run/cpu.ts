// CPU seconds used by a process group (the balancer and its workers), from /proc/<pid>/stat:
// fields 14 and 15 (utime, stime) in clock ticks; field 5 is the process group.
import { readdir, readFile } from 'node:fs/promises';

/** USER_HZ; 100 on every Linux this runs on (`getconf CLK_TCK`). */
const CLOCK_TICKS = 100;

/** Fields after the command name, which is in parentheses and may itself contain spaces. */
export function parseStat(stat: string): { pgrp: number; ticks: number } | undefined {
  const end = stat.lastIndexOf(')');
  if (end < 0) return undefined;
  const f = stat.slice(end + 2).split(' ');
  // f[0] is field 3 (state): field n is f[n - 3].
  const pgrp = Number(f[2]);
  const ticks = Number(f[11]) + Number(f[12]);
  return Number.isFinite(pgrp) && Number.isFinite(ticks) ? { pgrp, ticks } : undefined;
}

/** Sum over live processes in the group; undefined when /proc is unavailable. */
export async function groupCpuSeconds(pgid: number): Promise<number | undefined> {
  let entries: string[];
  try {
    entries = await readdir('/proc');
  } catch {
    return undefined;
  }
  let ticks = 0;
  let found = false;
  for (const e of entries) {
    if (!/^\d+$/.test(e)) continue;
    try {
      const s = parseStat(await readFile(`/proc/${e}/stat`, 'utf8'));
      if (s && s.pgrp === pgid) {
        ticks += s.ticks;
        found = true;
      }
    } catch {
      // the process exited while we looked
    }
  }
  return found ? ticks / CLOCK_TICKS : undefined;
}
