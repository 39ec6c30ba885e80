// Packets per CPU-second of the balancer process in DR mode (issue 5 goal: ≥ 250k on this machine).
//   npx tsx bench/lvs/measure-dr.ts [packets=2000000] [flows=256]
// Builds the DR namespace scenario, blasts bounded UDP at the VIP from the client namespace, and divides
// the frames the engine handled by the CPU time (user + system) its process spent meanwhile.
import { JsonLines, NetnsScenario as Scenario, NETNS_VIP as VIP } from '../../harness/index.ts';

const packets = Number(process.argv[2] ?? 2_000_000);
const flows = Number(process.argv[3] ?? 256);

async function main(): Promise<void> {
  await using s = await Scenario.start({ network: 'lan', services: [{ vip: VIP, mode: 'dr', protocol: 'udp', port: 9 }] });
  const lbMac = (await s.topo.sh('lb', 'cat /sys/class/net/eth0/address')).trim();
  // Real servers count and drop the test traffic at ingress: it proves delivery, and keeps their UDP stack
  // (which runs in softirq, often charged to the sending process — ours) out of the measurement.
  const sink = [
    'nft add table netdev sink',
    `nft add chain netdev sink in '{ type filter hook ingress device eth0 priority 0; }'`,
    `nft add rule netdev sink in ip daddr ${VIP} udp dport 9 counter drop`,
  ].join('\n');
  await Promise.all(['r1', 'r2'].map((rs) => s.topo.sh(rs, sink)));
  const delivered = async () => {
    let total = 0;
    for (const rs of ['r1', 'r2']) total += Number(/counter packets (\d+)/.exec(await s.topo.sh(rs, 'nft list chain netdev sink in'))?.[1] ?? NaN);
    return total;
  };
  const before = await s.engineStats();
  const blast = new JsonLines(
    s.topo.spawn('c', ['node', '--import', 'tsx', 'harness/lvs-netns/blast.ts', 'eth0', lbMac, '198.19.1.10', VIP, '9', String(packets), String(flows), '20'], process.cwd()),
    'blast',
  );
  const sent = await blast.next<{ sent: number; seconds: number }>(120_000);
  // Let the balancer drain its socket: wait until its received count stops moving.
  let after = await s.engineStats();
  for (let i = 0; i < 50; i++) {
    await new Promise((r) => setTimeout(r, 300));
    const again = await s.engineStats();
    const settled = again.engine.received === after.engine.received;
    after = again;
    if (settled) break;
  }
  const handled = after.engine.received - before.engine.received;
  const forwarded = after.engine.forwarded.dr - before.engine.forwarded.dr;
  const cpuSeconds = (after.cpu.user - before.cpu.user + after.cpu.system - before.cpu.system) / 1e6;
  console.log(
    JSON.stringify({
      mode: 'dr',
      framesSent: sent.sent,
      sendSeconds: +sent.seconds.toFixed(2),
      handled,
      forwarded,
      deliveredToRealServers: await delivered(),
      cpuSeconds: +cpuSeconds.toFixed(3),
      userSeconds: +((after.cpu.user - before.cpu.user) / 1e6).toFixed(3),
      packetsPerCpuSecond: Math.round(handled / cpuSeconds),
      lostBeforeEngine: sent.sent - handled,
      drops: after.engine.dropped,
      sendFailures: after.sendFailures - before.sendFailures,
    }),
  );
}

main().catch((err: Error) => {
  console.error(err.message);
  process.exitCode = 1;
});
