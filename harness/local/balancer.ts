// A target's balancer as a local process: its rendered files in a fresh working directory, its
// command in its own process group (tracked by hosts/cleanup.ts, so Ctrl-C and exit kill it), ready when
// readiness.ts says so. Used by the local driver and by `fulcrum bench`.
import { mkdtemp, mkdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { waitReady } from '../hosts/index.ts';
import { spawnGroup, type SpawnedProcess } from './process.ts';
import type { Scenario, TargetLaunch } from '../types.ts';

/** SIGTERM, then SIGKILL after this long: every shipped balancer stops well inside it. */
const STOP_GRACE_MS = 1500;

export interface BalancerProcess {
  readonly proc: SpawnedProcess;
  /** The working directory the files were written to ('{{dir}}'). */
  readonly dir: string;
  /** Resolves once it accepts on its readiness endpoint; throws makeError(…) with its last output if it exits first or not in time. */
  waitReady(scenario: Scenario, timeoutMs: number): Promise<void>;
  /** Kills its process group and removes the directory; safe to call twice. */
  stop(): Promise<void>;
}

export async function spawnBalancer(name: string, launch: TargetLaunch, makeError: (message: string) => Error): Promise<BalancerProcess> {
  const dir = await mkdtemp(join(tmpdir(), `fulcrum-${name.replace(/[^A-Za-z0-9_.-]/g, '_')}-`));
  const removeDir = () => rm(dir, { recursive: true, force: true });
  let proc: SpawnedProcess;
  try {
    for (const file of launch.files) {
      const path = join(dir, file.path);
      await mkdir(dirname(path), { recursive: true });
      await writeFile(path, file.content.replaceAll('{{dir}}', dir));
    }
    const command = launch.command.map((arg) => arg.replaceAll('{{dir}}', dir));
    proc = await spawnGroup(command, { cwd: dir, env: launch.env, label: `target ${name}` }).catch((err: Error) => {
      throw makeError(err.message);
    });
  } catch (err) {
    await removeDir();
    throw err;
  }
  let stopping: Promise<void> | undefined;
  return {
    proc,
    dir,
    waitReady: (scenario, timeoutMs) => waitReady(name, proc, scenario, launch, timeoutMs, makeError),
    stop: () => (stopping ??= proc.kill(STOP_GRACE_MS).then(removeDir)),
  };
}
