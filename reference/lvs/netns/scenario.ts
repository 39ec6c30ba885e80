// One end-to-end LVS scenario in namespaces: a client, the balancer running the engine, two real servers
// running HTTP (and rs-agent for DR/TUN). Used by the tests and the measurement script.
import type { ChildProcess } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import type { RunnerStats } from '../runner.ts';
import { Topology, type HostSpec } from './topology.ts';

export const REPO = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');
const TSX = ['node', '--import', 'tsx'];
export const VIP = '198.19.1.100';
export type Mode = 'nat' | 'dr' | 'tun';

export interface ScenarioOptions {
  mode: Mode;
  encapsulation?: 'ipip' | 'gre';
  algorithm?: string;
  protocol?: 'tcp' | 'udp' | 'any';
  port?: number;
}

/** Reads JSON lines from a child; `next()` resolves with the next one (or rejects on exit/timeout). */
export class JsonLines {
  private readonly queue: unknown[] = [];
  private waiter: ((v: unknown) => void) | undefined;
  private failer: ((e: Error) => void) | undefined;
  private stderr = '';
  constructor(readonly child: ChildProcess, readonly label: string) {
    createInterface({ input: child.stdout! }).on('line', (line) => {
      let v: unknown;
      try {
        v = JSON.parse(line);
      } catch {
        return;
      }
      if (this.waiter) {
        const w = this.waiter;
        this.waiter = this.failer = undefined;
        w(v);
      } else this.queue.push(v);
    });
    child.stderr!.on('data', (d: Buffer) => (this.stderr = (this.stderr + d.toString()).slice(-4000)));
    child.once('exit', (code) => this.failer?.(new Error(`${label} exited (${code}): ${this.stderr.trim()}`)));
  }
  next<T = Record<string, unknown>>(timeoutMs = 20_000): Promise<T> {
    if (this.queue.length) return Promise.resolve(this.queue.shift() as T);
    if (this.child.exitCode !== null) return Promise.reject(new Error(`${this.label} exited (${this.child.exitCode}): ${this.stderr.trim()}`));
    return new Promise<T>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`${this.label}: no output in ${timeoutMs} ms; stderr: ${this.stderr.trim()}`)), timeoutMs);
      this.waiter = (v) => {
        clearTimeout(timer);
        resolve(v as T);
      };
      this.failer = (e) => {
        clearTimeout(timer);
        reject(e);
      };
    });
  }
}

function hosts(mode: Mode): HostSpec[] {
  const lbSetup = [
    'sysctl -qw net.ipv4.ip_forward=0',
    // Per-direction evidence on the balancer's client-facing port: requests to the VIP, replies from it.
    `nft add table netdev fulcrum`,
    `nft add chain netdev fulcrum in0 '{ type filter hook ingress device eth0 priority 0; }'`,
    `nft add rule netdev fulcrum in0 ip daddr ${VIP} counter`,
    `nft add rule netdev fulcrum in0 ip saddr ${VIP} counter`,
  ];
  if (mode === 'nat') {
    return [
      { name: 'c', links: [{ dev: 'eth0', segment: 'front', address: '198.19.1.10/24' }] },
      {
        name: 'lb',
        links: [
          { dev: 'eth0', segment: 'front', address: '198.19.1.2/24' },
          { dev: 'eth1', segment: 'back', address: '198.19.2.1/24' },
        ],
        setup: [...lbSetup, `nft add chain netdev fulcrum in1 '{ type filter hook ingress device eth1 priority 0; }'`, `nft add rule netdev fulcrum in1 ip saddr 198.19.2.0/24 counter`],
      },
      { name: 'r1', links: [{ dev: 'eth0', segment: 'back', address: '198.19.2.11/24' }], setup: ['ip route add default via 198.19.2.1'] },
      { name: 'r2', links: [{ dev: 'eth0', segment: 'back', address: '198.19.2.12/24' }], setup: ['ip route add default via 198.19.2.1'] },
    ];
  }
  return [
    { name: 'c', links: [{ dev: 'eth0', segment: 'lan', address: '198.19.1.10/24' }] },
    { name: 'lb', links: [{ dev: 'eth0', segment: 'lan', address: '198.19.1.2/24' }], setup: lbSetup },
    { name: 'r1', links: [{ dev: 'eth0', segment: 'lan', address: '198.19.1.11/24' }] },
    { name: 'r2', links: [{ dev: 'eth0', segment: 'lan', address: '198.19.1.12/24' }] },
  ];
}

function engineConfig(o: ScenarioOptions): string {
  const rs = o.mode === 'nat' ? ['198.19.2.11:8080', '198.19.2.12:8080'] : ['198.19.1.11', '198.19.1.12'];
  const port = o.port ?? 80;
  return JSON.stringify({
    interfaces: o.mode === 'nat' ? { outside: 'eth0', inside: 'eth1' } : { outside: 'eth0' },
    conntrack: { maxFlows: 100_000 },
    services: [
      {
        name: 'web',
        mode: o.mode,
        vip: VIP,
        port,
        protocol: o.protocol ?? 'tcp',
        algorithm: o.algorithm ?? 'rr',
        tunnel: { encapsulation: o.encapsulation ?? 'ipip', mtu: 1500 },
        backends: rs.map((address, i) => ({ id: `r${i + 1}`, address })),
      },
    ],
  });
}

export class Scenario implements AsyncDisposable {
  private constructor(
    readonly topo: Topology,
    readonly balancer: JsonLines,
    private readonly dir: string,
  ) {}

  static async start(o: ScenarioOptions): Promise<Scenario> {
    const dir = await mkdtemp(path.join(tmpdir(), 'fulcrum-lvs-'));
    let topo: Topology | undefined;
    try {
      topo = await Topology.create(hosts(o.mode));
      const serverPort = o.mode === 'nat' ? '8080' : String(o.port ?? 80);
      const starting: Promise<unknown>[] = [];
      for (const rs of ['r1', 'r2']) {
        // DR/TUN real servers run the rs-agent logic in the same process as their HTTP server (fewer startups).
        const agentArgs = o.mode === 'nat' ? [] : [VIP, o.mode === 'tun' ? (o.encapsulation ?? 'ipip') : 'none'];
        const server = topo.spawn(rs, [...TSX, 'reference/lvs/netns/traffic-agent.ts', 'server', rs, serverPort, ...agentArgs], REPO);
        starting.push(new Promise<void>((resolve, reject) => {
          server.stdout!.once('data', () => resolve());
          let err = '';
          server.stderr!.on('data', (d: Buffer) => (err += d.toString()));
          server.once('exit', (code) => reject(new Error(`traffic server ${rs} exited ${code}: ${err.trim()}`)));
        }));
      }
      const configPath = path.join(dir, 'lvs.json');
      await writeFile(configPath, engineConfig(o));
      const balancer = new JsonLines(topo.spawn('lb', [...TSX, 'reference/lvs/daemon.ts', configPath], REPO), 'lvs daemon');
      starting.push(
        // Startup of four tsx processes on a busy 2-core machine can take tens of seconds; readiness only.
        balancer.next(90_000).then((r) => {
          if (!(r as { ready?: boolean }).ready) throw new Error(`balancer not ready: ${JSON.stringify(r)}`);
        }),
      );
      await Promise.all(starting);
      return new Scenario(topo, balancer, dir);
    } catch (err) {
      await topo?.destroy();
      await rm(dir, { recursive: true, force: true });
      throw err;
    }
  }

  /** Runs the traffic client in the client namespace and returns its JSON result. */
  async client<T = Record<string, unknown>>(op: string, n = 1, timeoutMs = 45_000): Promise<T> {
    const lines = new JsonLines(this.topo.spawn('c', [...TSX, 'reference/lvs/netns/traffic-agent.ts', 'client', op, `http://${VIP}/`, String(n)], REPO), `client ${op}`);
    return lines.next<T>(timeoutMs);
  }

  /** The balancer's counters and CPU time, as the daemon reports them (RunnerStats as JSON). */
  async engineStats(): Promise<RunnerStats> {
    this.balancer.child.stdin!.write('stats\n');
    return this.balancer.next();
  }

  /** Packets counted on the balancer's client-facing ingress: to the VIP and from the VIP. */
  async vipCounters(): Promise<{ toVip: number; fromVip: number }> {
    const text = await this.topo.sh('lb', 'nft list chain netdev fulcrum in0');
    const count = (dir: 'daddr' | 'saddr') => Number(new RegExp(`ip ${dir} ${VIP.replace(/\./g, '\\.')} counter packets (\\d+)`).exec(text)?.[1] ?? NaN);
    return { toVip: count('daddr'), fromVip: count('saddr') };
  }

  /** NAT: packets from the real servers' network arriving at the balancer's inside port (replies crossing it). */
  async natReplyPackets(): Promise<number> {
    const text = await this.topo.sh('lb', 'nft list chain netdev fulcrum in1');
    return Number(/ip saddr 198\.19\.2\.0\/24 counter packets (\d+)/.exec(text)?.[1] ?? NaN);
  }

  async destroy(): Promise<void> {
    this.balancer.child.stdin?.end();
    await this.topo.destroy();
    await rm(this.dir, { recursive: true, force: true });
  }

  async [Symbol.asyncDispose](): Promise<void> {
    await this.destroy();
  }
}
