// A target's balancer as a local process: its rendered files in a fresh working directory, its
// command in its own process group (tracked by hosts/cleanup.ts, so Ctrl-C and exit kill it), ready when
// readiness.ts says so. Used by the local driver and by `fulcrum bench`.
import { mkdtemp, mkdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { describeLogs, waitReady } from '../hosts/index.ts';
import { listenerOwnedByGroup } from './listener-owner.ts';
import { spawnGroup, type SpawnedProcess } from './process.ts';
import type { Endpoint, Scenario, TargetLaunch } from '../types.ts';

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
    waitReady: (scenario, timeoutMs) => readyOnItsOwnListener(name, proc, scenario, launch, timeoutMs, makeError),
    stop: () => (stopping ??= proc.kill(STOP_GRACE_MS).then(removeDir)),
  };
}

/** Ready (readiness.ts), and the listener that answered is the balancer's own: a port another program
 *  took in the meantime is reported as held by another program (the local driver then starts again). */
async function readyOnItsOwnListener(name: string, proc: SpawnedProcess, scenario: Scenario, launch: TargetLaunch, timeoutMs: number, makeError: (m: string) => Error): Promise<void> {
  await waitReady(name, proc, scenario, launch, timeoutMs, makeError);
  // UDP readiness is a delay; a datagram sent before the socket is bound is lost. Here /proc shows
  // when the balancer's group holds the UDP socket (a node balancer on a loaded machine took > 500 ms).
  if (scenario.mode === 'udp' && !(launch.readyWhen && 'tcp' in launch.readyWhen)) await udpBound(name, proc, scenario.listen, timeoutMs, makeError);
  const probe = launch.readyWhen && 'tcp' in launch.readyWhen ? launch.readyWhen.tcp : scenario.mode === 'udp' ? undefined : scenario.listen;
  if (probe && listenerOwnedByGroup(probe.host, probe.port, proc.pid) === false) {
    throw makeError(`target ${name}: ${probe.host}:${probe.port} accepts, but not through the balancer (another program holds the port)\n${describeLogs(proc.logs())}`);
  }
}

/** Waits (bounded) until the balancer's group holds a UDP socket on listen; no-op where /proc cannot tell. */
async function udpBound(name: string, proc: SpawnedProcess, listen: Endpoint, timeoutMs: number, makeError: (m: string) => Error): Promise<void> {
  const deadline = performance.now() + timeoutMs;
  for (;;) {
    const owned = listenerOwnedByGroup(listen.host, listen.port, proc.pid, 'udp');
    if (owned !== false) return;
    const e = proc.exited();
    if (e) throw makeError(`target ${name} exited (code ${e.code}, signal ${e.signal}) before it bound udp ${listen.host}:${listen.port}\n${describeLogs(proc.logs())}`);
    if (performance.now() > deadline) throw makeError(`target ${name} did not bind udp ${listen.host}:${listen.port} within ${timeoutMs} ms\n${describeLogs(proc.logs())}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}
