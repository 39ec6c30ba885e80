// The real-server side of DR and TUN (`fulcrum rs-agent`). DR/TUN both need the VIP on loopback with
// ARP suppressed (arp_ignore=1: answer only for addresses on the asking interface; arp_announce=2: never
// use the VIP as ARP source). TUN also needs decapsulation, which this kernel cannot do (no ipip/gre
// modules): a raw socket for protocol 4 or 47 takes the tunnelled packets (so the kernel sends no ICMP
// protocol-unreachable), the outer header is stripped, and the inner packet is written to a TUN device,
// whose traffic arrives as if received there; rp_filter=0 lets that source pass.
import { execFile } from 'node:child_process';
import { readFile, writeFile } from 'node:fs/promises';
import { promisify } from 'node:util';
import { native } from './native.ts';
import { decapsulate, type Encapsulation } from './packet/encap.ts';
import { PROTO_GRE, PROTO_IPIP, formatIPv4 } from './packet/ipv4.ts';

const run = promisify(execFile);
const SLOT = 65_536;
const BATCH = 32;

export interface RsAgentOptions {
  /** The VIPs this server answers for (each goes on lo). */
  vips: number[];
  /** Encapsulations to decapsulate (TUN); empty for DR only. */
  tunnels: Encapsulation[];
  /** Name of the TUN device to create. */
  tunName: string;
  /** Lower the MSS this server advertises on its routes (helps TUN uploads; 0 = leave routes alone). */
  advmss: number;
  /** Set arp_ignore/arp_announce so this server never answers ARP for the VIP (default true; off only to
   *  show what goes wrong without it). */
  arpSuppression?: boolean;
}

/** The sysctl writes for a DR/TUN real server, as [path, value]; pure so it can be checked. */
export function realServerSysctls(tunnel: boolean, tunName: string): Array<[string, string]> {
  const s: Array<[string, string]> = [
    ['net/ipv4/conf/all/arp_ignore', '1'],
    ['net/ipv4/conf/all/arp_announce', '2'],
    ['net/ipv4/conf/lo/arp_ignore', '1'],
    ['net/ipv4/conf/lo/arp_announce', '2'],
  ];
  if (tunnel) {
    s.push(['net/ipv4/conf/all/rp_filter', '0'], ['net/ipv4/conf/default/rp_filter', '0'], [`net/ipv4/conf/${tunName}/rp_filter`, '0']);
  }
  return s;
}

/** Writes only what differs: in a container /proc/sys is read-only, and the engine sets the values
 *  at creation instead (then nothing needs writing here). */
async function sysctl(path: string, value: string): Promise<void> {
  const current = await readFile(`/proc/sys/${path}`, 'utf8').catch(() => undefined);
  if (current?.trim() === value) return;
  await writeFile(`/proc/sys/${path}`, value);
}

async function ip(...args: string[]): Promise<string> {
  return (await run('ip', args)).stdout;
}

/** Puts the VIPs on lo (idempotent) and sets the ARP sysctls. */
export async function configureRealServer(o: RsAgentOptions): Promise<void> {
  const onLo = await ip('-4', '-o', 'addr', 'show', 'dev', 'lo');
  for (const vip of o.vips.map(formatIPv4)) if (!onLo.includes(` ${vip}/32 `)) await ip('addr', 'add', `${vip}/32`, 'dev', 'lo');
  if (o.arpSuppression === false) return;
  for (const [path, value] of realServerSysctls(false, o.tunName)) await sysctl(path, value);
}

export interface RsAgent extends AsyncDisposable {
  readonly decapsulated: () => number;
  stop(): Promise<void>;
}

/** Configures the host and, for TUN, starts decapsulating until stopped. */
export async function startRsAgent(o: RsAgentOptions): Promise<RsAgent> {
  await configureRealServer(o);
  if (o.advmss > 0) await lowerAdvmss(o.advmss);
  let count = 0;
  if (o.tunnels.length === 0) {
    return { decapsulated: () => count, stop: async () => {}, [Symbol.asyncDispose]: async () => {} };
  }
  const n = native();
  const tun = n.openTun(o.tunName);
  const rawFds: number[] = [];
  const watches: unknown[] = [];
  const buf = Buffer.alloc(SLOT * BATCH);
  const lengths = new Uint32Array(BATCH);
  const types = new Uint8Array(BATCH);
  const drain = (fd: number) => {
    for (let round = 0; round < 16; round++) {
      const got = n.recvBatch(fd, buf, SLOT, 0, BATCH, lengths, types);
      for (let i = 0; i < got; i++) {
        const start = i * SLOT;
        const d = decapsulate(buf, start, start + lengths[i]!);
        if (d && n.write(tun.fd, buf, d.inner, d.end - d.inner) > 0) count++;
      }
      if (got < BATCH) break;
    }
  };
  try {
    await ip('link', 'set', tun.name, 'up');
    for (const [path, value] of realServerSysctls(true, tun.name)) await sysctl(path, value);
    for (const kind of new Set(o.tunnels)) {
      const fd = n.openRawIp(kind === 'gre' ? PROTO_GRE : PROTO_IPIP);
      rawFds.push(fd);
      watches.push(n.watch(fd, () => drain(fd)));
    }
  } catch (err) {
    for (const w of watches) n.unwatch(w, false);
    for (const fd of rawFds) n.close(fd);
    n.close(tun.fd);
    throw err;
  }
  let stopped = false;
  const stop = async () => {
    if (stopped) return;
    stopped = true;
    for (const w of watches) n.unwatch(w, true);
    n.close(tun.fd); // a non-persistent TUN device disappears with its fd
  };
  return { decapsulated: () => count, stop, [Symbol.asyncDispose]: stop };
}

/** `ip route change … advmss N` on every IPv4 route of the main table, so peers send smaller segments. */
async function lowerAdvmss(advmss: number): Promise<void> {
  const routes = (await ip('-4', 'route', 'show', 'table', 'main')).split('\n').filter((l) => l.trim() && !l.includes('advmss'));
  for (const r of routes) await ip('route', 'change', ...r.trim().split(/\s+/), 'advmss', String(advmss));
}
