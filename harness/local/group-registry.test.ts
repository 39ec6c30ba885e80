// A harness killed with SIGKILL runs no handler, so its balancer (detached into its own process
// group) lives on. The group registry lets the next run reap it. Before the registry, HAProxy
// outlived the killed run here and nothing knew about it.
import { describe, expect, it } from 'vitest';
import { spawn } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { FULCRUM_BIN } from '../paths.ts';
import { commandExists } from '../targets/commands.ts';
import { orphanedGroups, reapOrphanedGroups, type GroupRecord } from './group-registry.ts';
import { spawnGroup } from './process.ts';

const groupLives = (pgid: number) => {
  try {
    process.kill(-pgid, 0);
    return true;
  } catch {
    return false;
  }
};

async function withStateDir<T>(fn: (dir: string) => Promise<T>): Promise<T> {
  const dir = mkdtempSync(join(tmpdir(), 'fulcrum-state-test-'));
  const before = process.env.FULCRUM_STATE_DIR;
  process.env.FULCRUM_STATE_DIR = dir;
  try {
    return await fn(dir);
  } finally {
    if (before === undefined) delete process.env.FULCRUM_STATE_DIR;
    else process.env.FULCRUM_STATE_DIR = before;
    rmSync(dir, { recursive: true, force: true });
  }
}

const records = (dir: string): GroupRecord[] => {
  try {
    return readdirSync(join(dir, 'groups')).map((f) => JSON.parse(readFileSync(join(dir, 'groups', f), 'utf8')) as GroupRecord);
  } catch {
    return [];
  }
};

const HAVE_HAPROXY = await commandExists('haproxy');

describe('process group registry', () => {
  it('records a group while it lives and forgets it once killed; groups of a live owner are not orphans', async () => {
    await withStateDir(async (dir) => {
      const p = await spawnGroup(['sleep', '30'], { label: 'sleeper' });
      expect(records(dir).map((r) => [r.pgid, r.owner, r.command])).toEqual([[p.pid, process.pid, 'sleep 30']]);
      expect(orphanedGroups()).toEqual([]);
      expect(reapOrphanedGroups()).toEqual([]);
      expect(groupLives(p.pid)).toBe(true);
      await p.kill(0);
      expect(records(dir)).toEqual([]);
    });
  });

  it('never kills a recorded pid that is now someone else (start time differs), and drops the record', async () => {
    await withStateDir(async (dir) => {
      const other = spawn('sleep', ['30'], { detached: true, stdio: 'ignore' });
      await new Promise((r) => other.once('spawn', r));
      try {
        mkdirSync(join(dir, 'groups'), { recursive: true });
        const stale: GroupRecord = { pgid: other.pid!, leaderStart: '1', owner: 999_999_999, ownerStart: '1', command: 'haproxy (long gone)', startedAt: new Date().toISOString() };
        writeFileSync(join(dir, 'groups', `${other.pid}.json`), JSON.stringify(stale));
        expect(reapOrphanedGroups()).toEqual([]);
        expect(groupLives(other.pid!)).toBe(true);
        expect(records(dir)).toEqual([]);
      } finally {
        other.kill('SIGKILL');
      }
    });
  });

  // Skipped only where Debian's haproxy package is missing.
  it.skipIf(!HAVE_HAPROXY)('a SIGKILLed conformance run leaves HAProxy running; the next run reaps it', { timeout: 60_000 }, async () => {
    await withStateDir(async (dir) => {
      const out = mkdtempSync(join(tmpdir(), 'fulcrum-killed-run-'));
      const run = spawn(process.execPath, [FULCRUM_BIN, 'conformance', '--target', 'haproxy', '--only', 'distribution.lc', '--out', out], { env: { ...process.env, FULCRUM_STATE_DIR: dir }, stdio: ['ignore', 'ignore', 'pipe'] });
      try {
        let stderr = '';
        await new Promise<void>((resolve, reject) => {
          const timer = setTimeout(() => reject(new Error(`haproxy not up within 40 s:\n${stderr}`)), 40_000);
          run.stderr!.on('data', (c: Buffer) => {
            stderr += c.toString();
            if (/haproxy up on/.test(stderr)) {
              clearTimeout(timer);
              resolve();
            }
          });
        });
        run.kill('SIGKILL');
        await new Promise((r) => run.once('exit', r));
        const balancer = records(dir).find((r) => r.command.startsWith('haproxy'));
        expect(balancer, JSON.stringify(records(dir))).toBeDefined();
        expect(balancer!.owner).toBe(run.pid);
        expect(groupLives(balancer!.pgid)).toBe(true); // what happened before: HAProxy lived on
        // The next run (any local topology) reaps it first, and says so.
        const next = spawn(process.execPath, [FULCRUM_BIN, 'conformance', '--target', 'reference', '--only', 'distribution.rr', '--out', out], { env: { ...process.env, FULCRUM_STATE_DIR: dir }, stdio: ['ignore', 'ignore', 'pipe'] });
        let nextErr = '';
        next.stderr!.on('data', (c: Buffer) => (nextErr += c.toString()));
        const code = await new Promise((r) => next.once('exit', r));
        expect(code, nextErr).toBe(0);
        expect(nextErr).toContain(`killing process group ${balancer!.pgid} (haproxy`);
        const deadline = Date.now() + 5000;
        while (groupLives(balancer!.pgid) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
        expect(groupLives(balancer!.pgid)).toBe(false);
        expect(records(dir).filter((r) => r.owner === run.pid && groupLives(r.pgid))).toEqual([]);
      } finally {
        run.kill('SIGKILL');
        rmSync(out, { recursive: true, force: true });
      }
    });
  });
});
