// A record on disk of every process group the harness starts (balancers, agents), so that a run
// killed with SIGKILL, which runs no handler at all, leaves nothing behind for long: the next run
// (or `fulcrum clean`) kills the groups whose owner process is dead. One small JSON file per group in
// <tmpdir>/fulcrum-<uid>/groups/ (FULCRUM_STATE_DIR overrides the root). Nothing is killed that is
// not recorded there, and a recorded group is killed only while it provably is still the same
// group: its leader has the start time recorded, or the leader is gone and members remain (Linux
// does not reuse a pid while a process group of that id exists).
import { mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir, userInfo } from 'node:os';
import { join } from 'node:path';

export interface GroupRecord {
  pgid: number;
  /** The leader's start time in clock ticks since boot (/proc/<pid>/stat field 22). */
  leaderStart: string;
  owner: number;
  ownerStart: string;
  command: string;
  startedAt: string;
}

export function stateDir(): string {
  return process.env.FULCRUM_STATE_DIR ?? join(tmpdir(), `fulcrum-${userInfo().uid}`);
}

function groupsDir(): string {
  return join(stateDir(), 'groups');
}

/** Field 22 (starttime) and field 5 (pgrp) of /proc/<pid>/stat, or undefined if there is no such process. */
function procStat(pid: number): { start: string; pgrp: number } | undefined {
  try {
    const text = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const fields = text.slice(text.lastIndexOf(')') + 2).split(' '); // fields from 3 (state) on
    return { start: fields[19] ?? '', pgrp: Number(fields[2]) };
  } catch {
    return undefined;
  }
}

const ownStart = () => procStat(process.pid)?.start ?? '';

/** Records a group just started by this process; the returned function forgets it (on exit). */
export function recordGroup(pgid: number, command: string): () => void {
  const leaderStart = procStat(pgid)?.start;
  if (leaderStart === undefined) return () => {}; // no /proc (or gone already): nothing to verify later
  const file = join(groupsDir(), `${pgid}.json`);
  try {
    mkdirSync(groupsDir(), { recursive: true });
    const record: GroupRecord = { pgid, leaderStart, owner: process.pid, ownerStart: ownStart(), command, startedAt: new Date().toISOString() };
    writeFileSync(file, JSON.stringify(record));
  } catch {
    return () => {}; // an unwritable state dir must not stop a run: only the SIGKILL safety net is lost
  }
  return () => rmSync(file, { force: true });
}

function readRecords(): GroupRecord[] {
  let names: string[];
  try {
    names = readdirSync(groupsDir()).filter((n) => n.endsWith('.json'));
  } catch {
    return [];
  }
  const out: GroupRecord[] = [];
  for (const n of names) {
    try {
      out.push(JSON.parse(readFileSync(join(groupsDir(), n), 'utf8')) as GroupRecord);
    } catch {
      rmSync(join(groupsDir(), n), { force: true }); // half-written by a killed run: nothing to verify
    }
  }
  return out;
}

const alive = (pid: number, start: string) => procStat(pid)?.start === start;

/** Whether the recorded group still exists as the same group (see the header). */
function sameGroupLives(r: GroupRecord): boolean {
  const leader = procStat(r.pgid);
  if (leader) return leader.start === r.leaderStart && leader.pgrp === r.pgid;
  return readdirSync('/proc').some((d) => /^\d+$/.test(d) && procStat(Number(d))?.pgrp === r.pgid);
}

/** Orphaned groups: recorded, owner dead, group still the same. */
export function orphanedGroups(): GroupRecord[] {
  return readRecords().filter((r) => !alive(r.owner, r.ownerStart));
}

/** SIGKILLs every orphaned group and forgets it (dryRun: only lists them); records of groups
 *  already gone are removed. Returns the groups killed (or that would be). */
export function reapOrphanedGroups(options: { dryRun?: boolean; log?: (line: string) => void } = {}): GroupRecord[] {
  const reaped: GroupRecord[] = [];
  for (const r of orphanedGroups()) {
    const file = join(groupsDir(), `${r.pgid}.json`);
    if (!sameGroupLives(r)) {
      if (!options.dryRun) rmSync(file, { force: true });
      continue;
    }
    options.log?.(`${options.dryRun ? 'would kill' : 'killing'} process group ${r.pgid} (${r.command}) left by dead fulcrum process ${r.owner}, started ${r.startedAt}`);
    reaped.push(r);
    if (options.dryRun) continue;
    try {
      process.kill(-r.pgid, 'SIGKILL');
    } catch {
      // gone meanwhile
    }
    rmSync(file, { force: true });
  }
  return reaped;
}
