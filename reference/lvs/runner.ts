// The engine's I/O edge: AF_PACKET sockets (virtio header on, own frames ignored, BPF attached) on the
// outside and inside links, batched receive → engine → batched send, and the timers for flow expiry and
// neighbour resolution. Runtime changes (the admin channel) go through putServer/removeServer here, so the
// packet filter follows the NAT real servers. Stop it with `await runner.stop()` or `await using`.
import { readFileSync } from 'node:fs';
import { networkInterfaces } from 'node:os';
import type { AdminTarget } from './admin.ts';
import { buildFilter, encodeBpf, type FilterSpec } from './bpf.ts';
import type { LvsConfig } from '../config/lvs.ts';
import { LINK_INSIDE, LINK_OUTSIDE, LvsEngine, type Link, type PutResult, type RemoveResult, type ServerChange, type ServiceView } from './engine.ts';
import { LvsHealth } from './health.ts';
import { native } from './native.ts';
import { Output } from './output.ts';
import { formatIPv4, parseIPv4 } from './packet/ipv4.ts';
import { parseMac } from './packet/ethernet.ts';

/** Room for a 64 KiB GSO super-frame, its virtio header, and headroom for a tunnel header in front. */
const HEADROOM = 64;
const SLOT = 65_536 + 128 + HEADROOM;
const BATCH = 64;
const SCRATCH = 4 << 20;
/** Batches per readable event before yielding to the event loop (fairness between links and timers). */
const BATCHES_PER_EVENT = 16;

export class LinkError extends Error {
  readonly code = 'FULCRUM_ERR_LVS_LINK';
  constructor(message: string) {
    super(message);
    this.name = 'LinkError';
  }
}

/** MAC and first IPv4 address of an interface in this network namespace. */
export function readLink(name: string): Link {
  const addrs = networkInterfaces()[name];
  const v4 = addrs?.find((a) => a.family === 'IPv4');
  if (!addrs || !v4) throw new LinkError(`interface ${name}: not found or has no IPv4 address`);
  return { name, mac: parseMac(v4.mac), ipv4: parseIPv4(v4.address) };
}

/** Kernel settings that silently break a userspace balancer; returned as warnings, not enforced. */
export function kernelWarnings(config: LvsConfig): string[] {
  const warnings: string[] = [];
  try {
    if (readFileSync('/proc/sys/net/ipv4/ip_forward', 'utf8').trim() !== '0') {
      warnings.push('net.ipv4.ip_forward is not 0: the kernel will forward, redirect and leak un-NATed replies');
    }
  } catch {
    // not Linux or no /proc: nothing to check
  }
  const own = new Set(Object.values(networkInterfaces()).flatMap((as) => (as ?? []).filter((a) => a.family === 'IPv4').map((a) => a.address)));
  for (const s of config.services) {
    if (own.has(formatIPv4(s.vip))) warnings.push(`VIP ${formatIPv4(s.vip)} is owned by this host's kernel: it will reset connections (drop it in nft prerouting)`);
  }
  return warnings;
}

export interface RunnerStats {
  engine: LvsEngine['stats'];
  sendFailures: number;
  packetErrors: number;
  cpu: NodeJS.CpuUsage;
  unresolved: string[];
  warnings: string[];
}

export class LvsRunner implements AsyncDisposable, AdminTarget {
  readonly engine: LvsEngine;
  private readonly arena = Buffer.alloc(SLOT * BATCH + SCRATCH);
  private readonly lengths = new Uint32Array(BATCH);
  private readonly types = new Uint8Array(BATCH);
  private readonly out: Output;
  private readonly fds: number[] = [];
  private readonly watches = new Map<number, unknown>();
  private timer: NodeJS.Timeout | undefined;
  private lastResolve = 0;
  private sendFailures = 0;
  private packetErrors = 0;
  private batchNow = performance.now();
  readonly warnings: string[];
  private readonly health: LvsHealth;
  /** The filter attached to the sockets, to skip setsockopt when a change does not touch it. */
  private filterKey = '';

  private constructor(config: LvsConfig) {
    const outside = readLink(config.interfaces.outside);
    const inside = config.interfaces.inside ? readLink(config.interfaces.inside) : outside;
    // The clock is read once per batch, not per packet: flows only need millisecond-ish time.
    this.engine = new LvsEngine(config, [outside, inside], { now: () => this.batchNow, rng: Math.random });
    this.out = new Output(this.arena, 2, SLOT * BATCH, 4096, () => this.flush());
    this.warnings = kernelWarnings(config);
    this.health = new LvsHealth(this.engine, config.services, (line) => process.stderr.write(`${line}\n`));
  }

  static start(config: LvsConfig): LvsRunner {
    const runner = new LvsRunner(config);
    try {
      runner.open(config);
    } catch (err) {
      runner.closeAll();
      throw err;
    }
    return runner;
  }

  private open(config: LvsConfig): void {
    const n = native();
    const addresses = this.engine.filterAddresses();
    const bpf = encodeBpf(buildFilter(addresses));
    this.filterKey = filterKey(addresses);
    const outsideFd = n.openPacket(config.interfaces.outside, true, true, bpf);
    this.fds[LINK_OUTSIDE] = outsideFd;
    this.fds[LINK_INSIDE] = config.interfaces.inside && config.interfaces.inside !== config.interfaces.outside ? n.openPacket(config.interfaces.inside, true, true, bpf) : outsideFd;
    this.watches.set(outsideFd, n.watch(outsideFd, () => this.drain(LINK_OUTSIDE)));
    const insideFd = this.fds[LINK_INSIDE]!;
    if (insideFd !== outsideFd) this.watches.set(insideFd, n.watch(insideFd, () => this.drain(LINK_INSIDE)));
    this.timer = setInterval(() => this.housekeeping(), 100);
    this.housekeeping();
    this.health.start();
  }

  /** Resolves once every real server's MAC is known; rejects after timeoutMs naming the missing ones. */
  async waitForNeighbours(timeoutMs = 5000): Promise<void> {
    const deadline = performance.now() + timeoutMs;
    for (;;) {
      const missing = this.engine.neighbours.toResolve(performance.now(), Infinity);
      if (missing.length === 0) return;
      if (performance.now() > deadline) throw new LinkError(`no ARP answer from ${missing.map(formatIPv4).join(', ')}`);
      await new Promise((r) => setTimeout(r, 20));
    }
  }

  stats(): RunnerStats {
    return {
      engine: this.engine.stats,
      sendFailures: this.sendFailures,
      packetErrors: this.packetErrors,
      cpu: process.cpuUsage(),
      unresolved: this.engine.neighbours.toResolve(performance.now(), Infinity).map(formatIPv4),
      warnings: this.warnings,
    };
  }

  describe(): ServiceView[] {
    return this.engine.describe();
  }

  /** Adds a real server or changes its weight; a new NAT server's replies are let through the packet filter. */
  putServer(service: string, id: string, change: ServerChange): PutResult {
    const result = this.engine.putServer(service, id, change);
    if (result.added) {
      try {
        this.updateFilter();
      } catch (err) {
        this.engine.removeServer(service, id);
        throw err;
      }
    }
    return result;
  }

  removeServer(service: string, id: string): RemoveResult {
    const result = this.engine.removeServer(service, id);
    try {
      this.updateFilter();
    } catch (err) {
      // The server is gone from the engine; a filter that still lets its packets in costs only a copy.
      process.stderr.write(`lvs: packet filter not narrowed after removing ${service}/${id}: ${(err as Error).message}\n`);
    }
    return result;
  }

  private updateFilter(): void {
    const addresses = this.engine.filterAddresses();
    const key = filterKey(addresses);
    if (key === this.filterKey) return;
    const bpf = encodeBpf(buildFilter(addresses));
    for (const fd of new Set(this.fds)) native().setFilter(fd, bpf);
    this.filterKey = key;
  }

  async stop(): Promise<void> {
    this.closeAll();
  }

  async [Symbol.asyncDispose](): Promise<void> {
    await this.stop();
  }

  private drain(link: number): void {
    const n = native();
    const fd = this.fds[link]!;
    for (let round = 0; round < BATCHES_PER_EVENT; round++) {
      const got = n.recvBatch(fd, this.arena, SLOT, HEADROOM, BATCH, this.lengths, this.types);
      if (got === 0) break;
      this.batchNow = performance.now();
      for (let i = 0; i < got; i++) {
        try {
          this.engine.handle(this.out, i * SLOT + HEADROOM, this.lengths[i]!, link, this.types[i]!);
        } catch (err) {
          // A packet that trips a bug must not take the balancer down: count it, report the first one.
          if (this.packetErrors++ === 0) process.stderr.write(`lvs: packet handling failed: ${(err as Error).stack}\n`);
        }
      }
      this.flush();
      if (got < BATCH) break;
    }
  }

  private flush(): void {
    const n = native();
    for (let link = 0; link < 2; link++) {
      const q = this.out.queues[link]!;
      if (q.count === 0) continue;
      const sent = n.sendBatch(this.fds[link]!, this.arena, q.offsets, q.lengths, q.count);
      this.sendFailures += q.count - sent;
    }
    this.out.reset();
  }

  private housekeeping(): void {
    const now = performance.now();
    this.batchNow = now;
    this.engine.tick(now);
    // Unresolved neighbours: ask every 200 ms; known ones are re-confirmed every 30 s.
    if (now - this.lastResolve >= 200) {
      this.lastResolve = now;
      this.engine.resolveNeighbours(this.out, now, 30_000);
      this.flush();
    }
  }

  private closeAll(): void {
    this.health.stop();
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
    const n = native();
    for (const fd of new Set(this.fds.splice(0))) {
      const watch = this.watches.get(fd);
      if (watch === undefined) n.close(fd);
      else n.unwatch(watch, true); // libuv closes the fd once it has let go of it
    }
    this.watches.clear();
  }
}

function filterKey(spec: FilterSpec): string {
  return `${[...spec.destinations].sort().join(',')}/${[...spec.sources].sort().join(',')}`;
}
