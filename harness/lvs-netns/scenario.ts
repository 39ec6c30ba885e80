// One end-to-end LVS scenario in namespaces: a client, the balancer running the engine (`fulcrum serve`
// with an `lvs` section), two real servers running HTTP (and rs-agent for DR/TUN). Used by the tests and
// bench/lvs/measure-dr.ts.
import type { ChildProcess } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import type { lvs } from '../../reference/index.ts';
import { FULCRUM_BIN } from '../paths.ts';
import { Topology, type HostSpec } from './topology.ts';

export const REPO = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const TSX = ['node', '--import', 'tsx'];
const AGENT = 'harness/lvs-netns/traffic-agent.ts';
export const VIP = '198.19.1.100';
export type Mode = 'nat' | 'dr' | 'tun';

export interface ServiceSpec {
  vip: string;
  mode: Mode;
  encapsulation?: 'ipip' | 'gre';
  algorithm?: string;
  protocol?: 'tcp' | 'udp' | 'any';
  port?: number;
}

/** nat: client and real servers on two segments, the balancer between them (the servers' gateway).
 *  lan: one segment for client, balancer and real servers (DR and TUN services can share it). */
export interface ScenarioOptions {
  network: 'nat' | 'lan';
  services: ServiceSpec[];
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

function hosts(o: ScenarioOptions): HostSpec[] {
  const lbSetup = [
    'sysctl -qw net.ipv4.ip_forward=0',
    // Per-direction evidence on the balancer's client-facing port: requests to each VIP, replies from it.
    `nft add table netdev fulcrum`,
    `nft add chain netdev fulcrum in0 '{ type filter hook ingress device eth0 priority 0; }'`,
    ...o.services.flatMap((s) => [`nft add rule netdev fulcrum in0 ip daddr ${s.vip} counter`, `nft add rule netdev fulcrum in0 ip saddr ${s.vip} counter`]),
  ];
  if (o.network === 'nat') {
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

/** A balancer config (JSON is YAML) with the engine's `lvs` section; its admin channel on the balancer's loopback. */
function engineConfig(o: ScenarioOptions): string {
  const rs = o.network === 'nat' ? ['198.19.2.11:8080', '198.19.2.12:8080'] : ['198.19.1.11', '198.19.1.12'];
  const lvs = {
    interfaces: o.network === 'nat' ? { outside: 'eth0', inside: 'eth1' } : { outside: 'eth0' },
    admin: { listen: '127.0.0.1:0' },
    conntrack: { maxFlows: 100_000 },
    services: o.services.map((s, i) => ({
      name: `svc${i}`,
      mode: s.mode,
      vip: s.vip,
      port: s.port ?? 80,
      protocol: s.protocol ?? 'tcp',
      algorithm: s.algorithm ?? 'rr',
      tunnel: { encapsulation: s.encapsulation ?? 'ipip', mtu: 1500 },
      backends: rs.map((address, j) => ({ id: `r${j + 1}`, address })),
    })),
  };
  return JSON.stringify({ version: 1, drainTimeout: '1s', lvs });
}

/** Resolves with the first stdout line matching `pattern` (rejects on exit or timeout, with stderr). */
function lineOf(child: ChildProcess, pattern: RegExp, label: string, timeoutMs: number): Promise<RegExpExecArray> {
  return new Promise((resolve, reject) => {
    let stderr = '';
    child.stderr!.on('data', (d: Buffer) => (stderr = (stderr + d.toString()).slice(-4000)));
    const timer = setTimeout(() => reject(new Error(`${label}: no line ${pattern} in ${timeoutMs} ms; stderr: ${stderr.trim()}`)), timeoutMs);
    const lines = createInterface({ input: child.stdout! });
    lines.on('line', (line) => {
      const m = pattern.exec(line);
      if (!m) return;
      clearTimeout(timer);
      lines.close();
      resolve(m);
    });
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`${label} exited (${code}): ${stderr.trim()}`));
    });
  });
}

export class Scenario implements AsyncDisposable {
  private constructor(
    readonly topo: Topology,
    readonly balancer: ChildProcess,
    /** host:port of the engine's admin channel, inside the balancer's namespace. */
    private readonly admin: string,
    private readonly dir: string,
  ) {}

  static async start(o: ScenarioOptions): Promise<Scenario> {
    const dir = await mkdtemp(path.join(tmpdir(), 'fulcrum-lvs-'));
    let topo: Topology | undefined;
    try {
      topo = await Topology.create(hosts(o));
      const serverPort = o.network === 'nat' ? '8080' : '80';
      const vips = o.services.filter((s) => s.mode !== 'nat').map((s) => s.vip);
      const tunnels = [...new Set(o.services.filter((s) => s.mode === 'tun').map((s) => s.encapsulation ?? 'ipip'))];
      const starting: Promise<unknown>[] = [];
      for (const rs of ['r1', 'r2']) {
        // DR/TUN real servers run the rs-agent logic in the same process as their HTTP server (fewer startups).
        const agentArgs = vips.length === 0 ? [] : [vips.join(','), tunnels.length ? tunnels.join(',') : 'none'];
        const server = topo.spawn(rs, [...TSX, AGENT, 'server', rs, serverPort, ...agentArgs], REPO);
        starting.push(new Promise<void>((resolve, reject) => {
          server.stdout!.once('data', () => resolve());
          let err = '';
          server.stderr!.on('data', (d: Buffer) => (err += d.toString()));
          server.once('exit', (code) => reject(new Error(`traffic server ${rs} exited ${code}: ${err.trim()}`)));
        }));
      }
      const configPath = path.join(dir, 'lb.json');
      await writeFile(configPath, engineConfig(o));
      const balancer = topo.spawn('lb', [process.execPath, FULCRUM_BIN, 'serve', '--config', configPath], REPO);
      // serve prints the admin line last, once every real server answered ARP. Startup of four processes
      // on a busy 2-core machine can take tens of seconds; readiness only.
      const ready = lineOf(balancer, /^lvs admin (\S+) /, 'fulcrum serve (lvs)', 90_000);
      starting.push(ready);
      await Promise.all(starting);
      return new Scenario(topo, balancer, (await ready)[1]!, dir);
    } catch (err) {
      await topo?.destroy();
      await rm(dir, { recursive: true, force: true });
      throw err;
    }
  }

  /** Runs the traffic client in the client namespace and returns its JSON result (an array for several VIPs, comma-separated). */
  async client<T = Record<string, unknown>>(op: string, n = 1, vip = VIP, timeoutMs = 45_000): Promise<T> {
    const lines = new JsonLines(this.topo.spawn('c', [...TSX, AGENT, 'client', op, vip.split(',').map((v) => `http://${v}/`).join(','), String(n)], REPO), `client ${op} ${vip}`);
    return lines.next<T>(timeoutMs);
  }

  /** The balancer's counters and CPU time, from its admin channel (GET /stats: RunnerStats as JSON). */
  async engineStats(): Promise<lvs.RunnerStats> {
    return JSON.parse(await this.topo.sh('lb', `curl -sS --max-time 5 http://${this.admin}/stats`)) as lvs.RunnerStats;
  }

  /** Packets counted on the balancer's client-facing ingress: to the VIP and from the VIP. */
  async vipCounters(vip = VIP): Promise<{ toVip: number; fromVip: number }> {
    const text = await this.topo.sh('lb', 'nft list chain netdev fulcrum in0');
    const count = (dir: 'daddr' | 'saddr') => Number(new RegExp(`ip ${dir} ${vip.replace(/\./g, '\\.')} counter packets (\\d+)`).exec(text)?.[1] ?? NaN);
    return { toVip: count('daddr'), fromVip: count('saddr') };
  }

  /** NAT: packets from the real servers' network arriving at the balancer's inside port (replies crossing it). */
  async natReplyPackets(): Promise<number> {
    const text = await this.topo.sh('lb', 'nft list chain netdev fulcrum in1');
    return Number(/ip saddr 198\.19\.2\.0\/24 counter packets (\d+)/.exec(text)?.[1] ?? NaN);
  }

  async destroy(): Promise<void> {
    await this.topo.destroy(); // SIGTERM to every process it started, serve included
    await rm(this.dir, { recursive: true, force: true });
  }

  async [Symbol.asyncDispose](): Promise<void> {
    await this.destroy();
  }
}
