// Whose is the TCP listener on host:port? Readiness sees only that something accepts; if another
// program took the port, the balancer failed to bind and the probe reached the other program. On
// Linux the answer is in /proc: the LISTEN socket's inode in /proc/net/tcp, and which process has
// that inode among its file descriptors.
import { readdirSync, readFileSync, readlinkSync } from 'node:fs';

/** /proc/net/tcp's address form: the IPv4 address as a little-endian hex word, then the port. */
export function procNetAddress(host: string, port: number): string {
  const bytes = host.split('.').map(Number);
  const word = [...bytes].reverse().map((b) => b.toString(16).padStart(2, '0')).join('').toUpperCase();
  return `${word}:${port.toString(16).padStart(4, '0').toUpperCase()}`;
}

/** Inodes of LISTEN sockets on host:port in /proc/net/tcp text (state 0A), or of bound UDP
 *  sockets in /proc/net/udp text (state 07). Pure. */
export function listenInodes(procNetTcp: string, host: string, port: number, state = '0A'): string[] {
  const want = [procNetAddress(host, port), procNetAddress('0.0.0.0', port)]; // a wildcard listener covers host too
  return procNetTcp
    .split('\n')
    .slice(1)
    .map((l) => l.trim().split(/\s+/))
    .filter((f) => want.includes(f[1] ?? '') && f[3] === state)
    .map((f) => f[9] ?? '');
}

function groupMembers(pgid: number): number[] {
  return readdirSync('/proc')
    .filter((d) => /^\d+$/.test(d))
    .map(Number)
    .filter((pid) => {
      try {
        const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
        return Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[2]) === pgid;
      } catch {
        return false;
      }
    });
}

/** true: a process of group pgid holds the listener (tcp) or bound socket (udp); false: someone
 *  else does (or no one); undefined: cannot tell here (no /proc, an IPv6 host). */
export function listenerOwnedByGroup(host: string, port: number, pgid: number, protocol: 'tcp' | 'udp' = 'tcp'): boolean | undefined {
  if (!/^\d+\.\d+\.\d+\.\d+$/.test(host)) return undefined;
  let inodes: string[];
  try {
    inodes = listenInodes(readFileSync(`/proc/net/${protocol}`, 'utf8'), host, port, protocol === 'tcp' ? '0A' : '07');
  } catch {
    return undefined;
  }
  if (inodes.length === 0) return false;
  const sockets = new Set(inodes.map((i) => `socket:[${i}]`));
  for (const pid of groupMembers(pgid)) {
    try {
      for (const fd of readdirSync(`/proc/${pid}/fd`)) {
        try {
          if (sockets.has(readlinkSync(`/proc/${pid}/fd/${fd}`))) return true;
        } catch {
          // closed meanwhile
        }
      }
    } catch {
      // exited meanwhile
    }
  }
  return false;
}
