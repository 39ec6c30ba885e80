// End to end in network namespaces: client → balancer (our engine) → two real servers, for NAT, DR and
// TUN (IPIP and GRE). Veth offloads stay on, so GSO super-frames and partial checksums are exercised.
import { describe, expect, it } from 'vitest';
import { nativeAvailable } from '../native.ts';
import { Scenario, type ScenarioOptions } from './scenario.ts';
import { canCreateNamespaces } from './topology.ts';

const skipReason = (await canCreateNamespaces()) ?? (nativeAvailable() ? undefined : 'the native binding is not built (npm ci)');
const MB20 = 20_000_000;

interface AllResult {
  ids: { seen: string[] };
  down: { bytes: number; match: boolean };
  up: { bytes: number; match: boolean; peer: string };
}

// At most two scenarios at once: each starts four Node processes, and the machine has two cores.
let running = 0;
const waiting: Array<() => void> = [];
async function slot<T>(work: () => Promise<T>): Promise<T> {
  while (running >= 2) await new Promise<void>((r) => waiting.push(r));
  running++;
  try {
    return await work();
  } finally {
    running--;
    waiting.shift()?.();
  }
}

function exercise(o: ScenarioOptions, bytes: number) {
  return slot(() => exerciseNow(o, bytes));
}

async function exerciseNow(o: ScenarioOptions, bytes: number) {
  await using s = await Scenario.start(o);
  const r = await s.client<AllResult>('all', bytes, 90_000);
  const stats = await s.engineStats();
  const counters = await s.vipCounters();
  const natReplies = o.mode === 'nat' ? await s.natReplyPackets() : 0;
  return { r, stats, counters, natReplies };
}

function expectTraffic(r: AllResult, bytes: number) {
  // Both real servers answered (rr), and each saw the real client's address, not the balancer's.
  const servers = new Set(r.ids.seen.map((line) => line.split(' ')[0]));
  expect(servers).toEqual(new Set(['r1', 'r2']));
  for (const line of r.ids.seen) expect(line.split(' ')[1]).toBe('198.19.1.10');
  expect(r.down).toMatchObject({ bytes, match: true });
  expect(r.up).toMatchObject({ bytes, match: true, peer: '198.19.1.10' });
}

describe.skipIf(skipReason !== undefined).concurrent(`LVS engine in namespaces${skipReason ? ` (skipped: ${skipReason})` : ''}`, () => {
  it('NAT: 20 MB up and down intact, client address preserved, every reply crosses the balancer', async () => {
    const { r, stats, natReplies } = await exercise({ mode: 'nat' }, MB20);
    expectTraffic(r, MB20);
    expect(stats.engine.forwarded.nat).toBeGreaterThan(0);
    expect(stats.engine.forwarded.natReplies).toBeGreaterThan(0);
    expect(natReplies).toBeGreaterThan(0);
    expect(stats.packetErrors).toBe(0);
  }, 240_000);

  it('DR: 20 MB up and down intact; requests reach the balancer, zero packets from the VIP cross it', async () => {
    const { r, stats, counters } = await exercise({ mode: 'dr' }, MB20);
    expectTraffic(r, MB20);
    expect(stats.engine.forwarded.dr).toBeGreaterThan(0);
    expect(counters.toVip).toBeGreaterThan(0);
    expect(counters.fromVip).toBe(0);
    expect(stats.packetErrors).toBe(0);
  }, 240_000);

  it('TUN (IPIP): 20 MB up and down intact through re-segmentation; zero packets from the VIP cross the balancer', async () => {
    const { r, stats, counters } = await exercise({ mode: 'tun', encapsulation: 'ipip' }, MB20);
    expectTraffic(r, MB20);
    expect(stats.engine.forwarded.tun).toBeGreaterThan(0);
    expect(stats.engine.tunnel.segmented).toBeGreaterThan(0);
    expect(counters.toVip).toBeGreaterThan(0);
    expect(counters.fromVip).toBe(0);
    expect(stats.packetErrors).toBe(0);
  }, 240_000);

  it('TUN (GRE): 4 MB up and down intact; zero packets from the VIP cross the balancer', async () => {
    const { r, stats, counters } = await exercise({ mode: 'tun', encapsulation: 'gre' }, 4_000_000);
    expectTraffic(r, 4_000_000);
    expect(stats.engine.forwarded.tun).toBeGreaterThan(0);
    expect(counters.fromVip).toBe(0);
    expect(stats.packetErrors).toBe(0);
  }, 240_000);
});
