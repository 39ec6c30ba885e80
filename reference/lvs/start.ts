// Starts the LVS engine from the `lvs` section of a balancer config (`fulcrum serve --config` calls this
// through reference/daemon.ts): the runner (sockets, timers, health checks), the admin channel when
// `lvs.admin.listen` is set, and a bounded wait for the real servers' MACs. A server that has not answered
// ARP by then is named in a log line, not fatal: frames for it wait in the neighbour queue, and it is asked
// again every 200 ms.
import type { LvsConfig } from '../config/lvs.ts';
import { startAdmin, type AdminServer } from './admin.ts';
import { LvsRunner } from './runner.ts';
import type { ServiceView } from './service.ts';

export interface RunningLvs extends AsyncDisposable {
  readonly runner: LvsRunner;
  /** The admin channel's host:port, when configured. */
  readonly admin: string | undefined;
  /** Kernel settings that would break the engine (ip_forward, a VIP owned by this host). */
  readonly warnings: readonly string[];
  describe(): ServiceView[];
  close(): Promise<void>;
}

export interface StartLvsOptions {
  readonly log: (line: string) => void;
  /** How long to wait for every real server's ARP answer before going on (default 10 s). */
  readonly neighboursTimeoutMs?: number;
}

export async function startLvs(config: LvsConfig, options: StartLvsOptions): Promise<RunningLvs> {
  const runner = LvsRunner.start(config);
  let admin: AdminServer | undefined;
  try {
    if (config.admin) admin = await startAdmin(runner, config.admin.listen, options.log);
  } catch (err) {
    await runner.stop();
    const { host, port } = config.admin!.listen;
    throw new Error(`lvs.admin.listen ${host.includes(':') ? `[${host}]` : host}:${port}: ${(err as Error).message}`);
  }
  for (const w of runner.warnings) options.log(`lvs: warning: ${w}`);
  try {
    await runner.waitForNeighbours(options.neighboursTimeoutMs ?? 10_000);
  } catch (err) {
    options.log(`lvs: ${(err as Error).message} yet; frames for them wait in the neighbour queue, ARP asks again every 200 ms`);
  }
  let closing: Promise<void> | undefined;
  const close = () =>
    (closing ??= (async () => {
      await admin?.close();
      await runner.stop();
    })());
  return { runner, admin: admin?.address, warnings: runner.warnings, describe: () => runner.describe(), close, [Symbol.asyncDispose]: close };
}
