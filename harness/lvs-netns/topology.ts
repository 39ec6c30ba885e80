// Network namespaces for proving the engine end to end on one machine: hosts (namespaces) wired by veth
// pairs to bridges that live in a switch namespace, so nothing is added to the host's own network.
// Names start with `fulcrum-lvs-<pid>-` so leftovers of a dead run can be found and removed.
// Addresses belong in 198.19.0.0/16 (Docker's pools use 198.18.0.0/16 here).
import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { promisify } from 'node:util';

const run = promisify(execFile);
export const NETNS_PREFIX = 'fulcrum-lvs-';

export interface HostLink {
  /** Interface name inside the host, e.g. eth0. */
  dev: string;
  /** The bridge (segment) it plugs into. */
  segment: string;
  /** Address with prefix, e.g. 198.19.1.10/24. */
  address: string;
}

export interface HostSpec {
  name: string;
  links: HostLink[];
  /** Shell lines run inside the namespace after addresses are up (routes, sysctls). */
  setup?: string[];
}

export class TopologyError extends Error {
  readonly code = 'FULCRUM_ERR_LVS_NETNS';
  constructor(message: string) {
    super(message);
    this.name = 'TopologyError';
  }
}

export async function canCreateNamespaces(): Promise<string | undefined> {
  if (process.getuid?.() !== 0) return 'needs root (ip netns)';
  try {
    await run('ip', ['-V']);
  } catch {
    return 'the ip command (iproute2) is not installed';
  }
  return undefined;
}

export class Topology implements AsyncDisposable {
  private readonly children = new Set<ChildProcess>();
  private readonly created: string[] = [];

  private constructor(readonly id: string) {}

  static async create(hosts: HostSpec[]): Promise<Topology> {
    await removeLeftoverNamespaces(); // from runs that died before cleaning up
    const id = `${process.pid}-${Math.random().toString(36).slice(2, 7)}`;
    const t = new Topology(id);
    try {
      await t.build(hosts);
    } catch (err) {
      await t.destroy();
      throw err;
    }
    return t;
  }

  ns(host: string): string {
    return `${NETNS_PREFIX}${this.id}-${host}`;
  }

  /** Runs a shell script inside a host and returns stdout. */
  async sh(host: string, script: string): Promise<string> {
    try {
      return (await run('ip', ['netns', 'exec', this.ns(host), 'sh', '-ec', script], { timeout: 20_000 })).stdout;
    } catch (err) {
      const e = err as { stderr?: string; message: string };
      throw new TopologyError(`${host}: ${script.split('\n')[0]}: ${e.stderr?.trim() || e.message}`);
    }
  }

  /** Starts a long-running process inside a host; it is killed by destroy(). */
  spawn(host: string, argv: string[], cwd = process.cwd()): ChildProcess {
    const child = spawn('ip', ['netns', 'exec', this.ns(host), ...argv], { stdio: ['pipe', 'pipe', 'pipe'], cwd });
    this.children.add(child);
    child.once('exit', () => this.children.delete(child));
    return child;
  }

  async destroy(): Promise<void> {
    await Promise.all(
      [...this.children].map(
        (c) =>
          new Promise<void>((resolve) => {
            if (c.exitCode !== null || c.signalCode !== null) return resolve();
            const timer = setTimeout(() => c.kill('SIGKILL'), 2000);
            c.once('exit', () => {
              clearTimeout(timer);
              resolve();
            });
            c.kill('SIGTERM');
          }),
      ),
    );
    // Deleting a namespace deletes its veth ends, and with them their peers and the bridges' ports.
    await Promise.all(this.created.splice(0).map((ns) => run('ip', ['netns', 'del', ns]).catch(() => undefined)));
  }

  async [Symbol.asyncDispose](): Promise<void> {
    await this.destroy();
  }

  private async build(hosts: HostSpec[]): Promise<void> {
    const sw = this.ns('sw');
    for (const name of [sw, ...hosts.map((h) => this.ns(h.name))]) {
      await run('ip', ['netns', 'add', name]);
      this.created.push(name);
    }
    const segments = [...new Set(hosts.flatMap((h) => h.links.map((l) => l.segment)))];
    const batch: string[] = [];
    for (const s of segments) batch.push(`link add ${s} type bridge`, `link set ${s} up`);
    for (const h of hosts) {
      for (const l of h.links) {
        const port = `${h.name}-${l.dev}`.slice(0, 15);
        batch.push(`link add ${port} type veth peer name ${l.dev} netns ${this.ns(h.name)}`, `link set ${port} master ${l.segment} up`);
      }
    }
    await runBatch(sw, batch);
    await Promise.all(
      hosts.map((h) =>
        this.sh(
          h.name,
          [
            'ip link set lo up',
            'sysctl -qw net.ipv6.conf.all.disable_ipv6=1 net.ipv6.conf.default.disable_ipv6=1',
            ...h.links.flatMap((l) => [`ip addr add ${l.address} dev ${l.dev}`, `ip link set ${l.dev} up`]),
            ...(h.setup ?? []),
          ].join('\n'),
        ),
      ),
    );
  }
}

async function runBatch(ns: string, lines: string[]): Promise<void> {
  await new Promise<void>((resolve, reject) => {
    const child = spawn('ip', ['-n', ns, '-batch', '-'], { stdio: ['pipe', 'ignore', 'pipe'] });
    let stderr = '';
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.on('error', reject);
    child.on('exit', (code) => (code === 0 ? resolve() : reject(new TopologyError(`ip -batch in ${ns}: ${stderr.trim()}`))));
    child.stdin.end(lines.join('\n') + '\n');
  });
}

/** Removes namespaces left by runs whose process is gone. */
export async function removeLeftoverNamespaces(): Promise<string[]> {
  const { stdout } = await run('ip', ['netns', 'list']);
  const removed: string[] = [];
  for (const line of stdout.split('\n')) {
    const name = line.split(' ')[0] ?? '';
    const m = new RegExp(`^${NETNS_PREFIX}(\\d+)-`).exec(name);
    if (!m) continue;
    const pid = Number(m[1]);
    let alive = true;
    try {
      process.kill(pid, 0);
    } catch {
      alive = false;
    }
    if (!alive) {
      await run('ip', ['netns', 'del', name]).catch(() => undefined);
      removed.push(name);
    }
  }
  return removed;
}
