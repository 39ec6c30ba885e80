// An LVS variant of a bench scenario: its own container topology (the containers driver, as the
// LVS checks use it) with the generator on this host sending to the VIP through the bridge. The
// pseudo-target "direct" starts the same topology and sends straight to one real server: the
// no-balancer baseline. Real servers are the harness agents (they answer at once), so scenarios
// with LVS variants should use zero-latency backends.
import type { BenchScenario, BenchVariant } from '../scenarios/types.ts';

export const DIRECT_TARGET = 'direct';

export interface LvsSlot {
  url: string;
  /** The VIP or real server address the generator may send to (inside 198.18.0.0/15). */
  ownHosts: string[];
  description: string;
  /** Restarts the real servers' counts (before a measurement). */
  begin(): Promise<void>;
  /** Requests each real server answered since begin(). */
  shares(): Promise<Record<string, number>>;
  /** CPU seconds of the balancer's container so far; undefined for "direct" and for kernel data
   *  planes (nftables forwards in softirq, which no container is charged for). */
  cpuSeconds(): Promise<number | undefined>;
  close(): Promise<void>;
}

function lvsMode(variant: BenchVariant): 'nat' | 'dr' | 'tun' {
  const mode = variant.mode.slice('lvs-'.length);
  if (mode !== 'nat' && mode !== 'dr' && mode !== 'tun') throw new Error(`unknown LVS mode ${variant.mode}`);
  return mode;
}

/** Why this machine cannot run LVS variants, or undefined. */
export async function lvsUnavailable(variant: BenchVariant): Promise<string | undefined> {
  const { containersDriver } = await (await import('../../harness/index.ts')).loadContainers();
  const available = await containersDriver.available();
  if (!available.ok) return `${variant.mode} runs in containers: ${available.reason}`;
  if (variant.target === DIRECT_TARGET) return undefined;
  const { resolveTarget } = await import('../../harness/index.ts');
  const target = await resolveTarget(variant.target).catch((err: Error) => err);
  if (target instanceof Error) return target.message;
  const ok = await target.available();
  if (!ok.ok) return ok.reason;
  if (!target.capabilities.includes(`lvs:${lvsMode(variant)}`)) return `${target.name} does not claim lvs:${lvsMode(variant)}`;
  return undefined;
}

export async function startLvsSlot(scenario: BenchScenario, variant: BenchVariant, log: (line: string) => void): Promise<LvsSlot> {
  const [{ startContainers, containerCpuSeconds }, { resolveTarget }] = await Promise.all([
    import('../../harness/index.ts').then((h) => h.loadContainers()),
    import('../../harness/index.ts'),
  ]);
  const direct = variant.target === DIRECT_TARGET;
  const target = await resolveTarget(direct ? 'reference' : variant.target);
  const topology = await startContainers(
    {
      target,
      plan: {
        mode: 'tcp',
        algorithm: { ...variant.options, name: variant.algorithm },
        backends: scenario.backends.map((b) => ({ id: b.id, weight: b.weight ?? 1 })),
        lvs: { mode: lvsMode(variant) },
        profile: 'bench',
      },
    },
    { log },
  );
  const endpoint = direct ? topology.backends[0]!.endpoint : topology.entry;
  const balancerHost = topology.containers.hosts['balancer'];
  const measuresCpu = !direct && !target.lvsHosts?.balancerForwards && balancerHost !== undefined;
  return {
    url: `http://${endpoint.host}:${endpoint.port}/`,
    ownHosts: [endpoint.host],
    description: direct ? `real server ${topology.backends[0]!.id} directly` : topology.balancer.description,
    begin: async () => {
      await Promise.all(topology.backends.map((b) => b.reset()));
    },
    shares: async () => Object.fromEntries(await Promise.all(topology.backends.map(async (b) => [b.id, (await b.snapshot()).served.http] as const))),
    cpuSeconds: () => (measuresCpu ? containerCpuSeconds(balancerHost) : Promise.resolve(undefined)),
    close: () => topology.stop(),
  };
}
