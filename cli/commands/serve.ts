// `fulcrum serve --config lb.yaml`: run the reference balancer (its listeners and, with an `lvs` section,
// the LVS packet engine) until SIGTERM/SIGINT.
// The first signal drains (stop accepting, let in-flight work finish within drainTimeout);
// a second signal exits at once. A bad config exits 2 naming the field (ConfigError).
import type { Command } from 'commander';
import { formatAddress, loadConfig, startBalancer, type RunningBalancer } from '../../reference/index.ts';

export interface ServeIo {
  readonly out: (line: string) => void;
  readonly err: (line: string) => void;
  /** Resolves with the signal name when the balancer should stop. */
  readonly stopRequested: (onSecond: () => void) => Promise<string>;
}

const backends = (n: number) => `${n} backend${n === 1 ? '' : 's'}`;

/** Lines printed at start, one per listener and LVS service, plus the admin endpoints. */
export function listeningLines(lb: RunningBalancer): string[] {
  const lines = lb.listeners.map((l) => `listening ${l.name} ${l.mode} ${formatAddress(l.host, l.port)} (${l.algorithm}, ${backends(l.pool.backends.length)})`);
  if (lb.admin) lines.push(`admin ${formatAddress(lb.admin.host, lb.admin.port)} (/stats, /metrics, /healthz)`);
  for (const s of lb.lvs?.describe() ?? []) {
    lines.push(`lvs ${s.name} ${s.mode} ${s.vip}:${s.port} ${s.protocol} (${s.algorithm.name}, ${backends(s.backends.length)})`);
  }
  if (lb.lvs?.admin) lines.push(`lvs admin ${lb.lvs.admin} (/stats, /services, /services/<service>/backends/<id>)`);
  return lines;
}

export async function serve(configPath: string, io: ServeIo): Promise<number> {
  const config = await loadConfig(configPath);
  const lb = await startBalancer(config, { log: io.err, source: configPath });
  for (const line of listeningLines(lb)) io.out(line);
  const signal = await io.stopRequested(() => {
    io.err('fulcrum serve: second signal, exiting at once');
    process.exit(130);
  });
  io.err(`fulcrum serve: ${signal}, draining (up to ${config.drainTimeout} ms; send it again to exit at once)`);
  await lb.close();
  io.err('fulcrum serve: stopped');
  return 0;
}

function processSignals(onSecond: () => void): Promise<string> {
  return new Promise((resolve) => {
    let seen = false;
    const handler = (signal: NodeJS.Signals) => {
      if (seen) return onSecond();
      seen = true;
      resolve(signal);
    };
    process.on('SIGTERM', handler);
    process.on('SIGINT', handler);
  });
}

export function register(program: Command, setExit: (code: number) => void): void {
  program
    .command('serve')
    .description('Run the reference balancer from a config file until SIGTERM/SIGINT (graceful drain).')
    .requiredOption('-c, --config <file>', 'balancer config, YAML or JSON (schema: reference/config/schema.ts)')
    .addHelpText(
      'after',
      '\nPrints one line per listener once it is accepting. The first SIGTERM/SIGINT stops accepting and lets\n' +
        'in-flight work finish within drainTimeout; a second one exits at once. Exit codes: 0 after a clean\n' +
        'drain, 2 for a bad config (the message names the field), 1 for other failures (e.g. port in use).\n' +
        'An `lvs` section starts the LVS packet engine (NAT, DR, TUN; needs root and the native binding):\n' +
        'one line per service once every real server answered ARP (or 10 s passed).',
    )
    .action(async (opts: { config: string }) => {
      const code = await serve(opts.config, {
        out: (line) => void process.stdout.write(line + '\n'),
        err: (line) => void process.stderr.write(line + '\n'),
        stopRequested: processSignals,
      });
      setExit(code);
    });
}
