// Ports for the local driver's listeners, free of the bind-0-and-close race. A port found by
// binding port 0 and closing it is the kernel's ephemeral pick: another fulcrum run (parallel test
// workers, other users of the machine, all on the same 127.20.0.1 and 127.30.0.x) can be handed the
// same one before our balancer binds it, and HAProxy binds with SO_REUSEPORT, so two of them would
// silently share the port. Instead: a random port below the kernel's ephemeral range (it never
// hands those out for bind 0 or connect), reserved by an exclusively created file in the state dir
// while the topology lives (a dead owner's reservation is taken over), and free when tried.
// Programs outside fulcrum that bind that port explicitly are left: the driver detects the
// balancer's own "address in use" and starts again on other ports, saying so.
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { stateDir } from './group-registry.ts';
import { portIsFree } from '../hosts/index.ts';

/** Lowest port handed out (below: well-known and registered services people run by hand). */
export const RESERVED_RANGE_LOW = 20_000;
const TRIES = 64;

/** The kernel's ephemeral range start (net.ipv4.ip_local_port_range), 32768 if unreadable. */
export function ephemeralLow(): number {
  try {
    const low = Number(readFileSync('/proc/sys/net/ipv4/ip_local_port_range', 'utf8').trim().split(/\s+/)[0]);
    return Number.isInteger(low) && low > RESERVED_RANGE_LOW + 1000 ? low : 32_768;
  } catch {
    return 32_768;
  }
}

export class PortReservationError extends Error {
  readonly code = 'FULCRUM_ERR_PORT_RESERVATION';
}

export interface Reservation {
  readonly host: string;
  readonly port: number;
  release(): void;
}

function ownerAlive(text: string): boolean {
  try {
    const { pid, start } = JSON.parse(text) as { pid: number; start: string };
    return readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]?.split(' ')[19] === start;
  } catch {
    return false;
  }
}

function ownStart(): string {
  try {
    return readFileSync(`/proc/${process.pid}/stat`, 'utf8').split(') ')[1]?.split(' ')[19] ?? '';
  } catch {
    return ''; // no /proc: a reservation cannot be checked for a live owner, so any may be taken over
  }
}

/** Tries to own `<dir>/<host>_<port>`: created exclusively, or taken over from a dead owner. */
function claim(dir: string, host: string, port: number): (() => void) | undefined {
  const file = join(dir, `${host.replace(/[^A-Za-z0-9.]/g, '_')}_${port}`);
  const mine = JSON.stringify({ pid: process.pid, start: ownStart() });
  try {
    writeFileSync(file, mine, { flag: 'wx' });
  } catch {
    let text = '';
    try {
      text = readFileSync(file, 'utf8');
    } catch {
      return undefined;
    }
    if (ownerAlive(text)) return undefined;
    rmSync(file, { force: true }); // a dead run's: take it over, exclusively again
    try {
      writeFileSync(file, mine, { flag: 'wx' });
    } catch {
      return undefined;
    }
  }
  return () => rmSync(file, { force: true });
}

/** A port on host that no other fulcrum process holds and nothing listens on right now. */
export async function reservePort(host: string, random: () => number = Math.random): Promise<Reservation> {
  const dir = join(stateDir(), 'ports');
  mkdirSync(dir, { recursive: true });
  const high = ephemeralLow() - 1;
  for (let i = 0; i < TRIES; i++) {
    const port = RESERVED_RANGE_LOW + Math.floor(random() * (high - RESERVED_RANGE_LOW + 1));
    const release = claim(dir, host, port);
    if (!release) continue;
    if (await portIsFree(host, port)) return { host, port, release };
    release();
  }
  throw new PortReservationError(`no free port on ${host} in ${RESERVED_RANGE_LOW}–${high} after ${TRIES} tries`);
}
