// `fulcrum rs-agent`: prepares this host as an LVS-DR or LVS-TUN real server and, for TUN, decapsulates.
import type { Command } from 'commander';
import { UsageError } from '../exit.ts';
import { parseIPv4, startRsAgent } from '../../reference/index.ts';

export interface RsAgentCliOptions {
  vip: string;
  tunnel: string;
  tunName: string;
  advmss: string;
  arpSuppression?: boolean;
}

/** Checks the flags; UsageError (exit 2) names the one that is wrong. */
export function parseRsAgentOptions(o: RsAgentCliOptions) {
  const vips = o.vip.split(',').map((text) => {
    try {
      return parseIPv4(text);
    } catch {
      throw new UsageError(`--vip: "${text}" is not an IPv4 address`);
    }
  });
  const tunnels = o.tunnel === 'none' ? [] : o.tunnel.split(',');
  for (const t of tunnels) if (t !== 'ipip' && t !== 'gre') throw new UsageError(`--tunnel: "${t}" is not one of none, ipip, gre`);
  if (!/^[A-Za-z0-9_.-]{1,15}$/.test(o.tunName)) throw new UsageError(`--tun-name: "${o.tunName}" is not an interface name`);
  const advmss = Number(o.advmss);
  if (!Number.isInteger(advmss) || advmss < 0 || advmss > 65495) throw new UsageError(`--advmss: "${o.advmss}" is not 0..65495`);
  return { vips, tunnels: tunnels as Array<'ipip' | 'gre'>, tunName: o.tunName, advmss, arpSuppression: o.arpSuppression !== false };
}

export function register(program: Command, setExit: (code: number) => void): void {
  program
    .command('rs-agent')
    .description('set this host up as an LVS-DR/TUN real server (VIP on lo, ARP sysctls) and decapsulate TUN traffic (needs root)')
    .requiredOption('--vip <addresses>', 'the virtual IP(s) this server answers for, comma-separated')
    .option('--tunnel <kinds>', 'none (DR), or ipip, gre or ipip,gre (TUN: decapsulate in userspace)', 'none')
    .option('--tun-name <name>', 'TUN device to create for decapsulated packets', 'fulcrum-tun0')
    .option('--advmss <bytes>', 'lower the advertised MSS on this host\'s routes (0: leave them)', '0')
    .option('--no-arp-suppression', 'leave arp_ignore/arp_announce alone (the host will answer ARP for the VIP: for demonstrating the failure only)')
    .action(async (raw: RsAgentCliOptions) => {
      const options = parseRsAgentOptions(raw);
      const agent = await startRsAgent(options);
      process.stdout.write(`${JSON.stringify({ ready: true, tunnels: options.tunnels })}\n`);
      if (options.tunnels.length === 0) return;
      await new Promise<void>((resolve) => {
        process.once('SIGTERM', resolve);
        process.once('SIGINT', resolve);
      });
      await agent.stop();
      process.stdout.write(`${JSON.stringify({ stopped: true, decapsulated: agent.decapsulated() })}\n`);
      setExit(0);
    });
}
