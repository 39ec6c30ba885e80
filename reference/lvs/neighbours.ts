// IPv4 → MAC for next hops the engine sends to (real servers, NAT clients). Filled from ARP replies and
// requests seen on the wire and from clients' frames; the engine asks (ARP who-has) for what it lacks.

export interface Neighbour {
  mac: Uint8Array;
  /** When last confirmed (ms). */
  seen: number;
}

export class Neighbours {
  private readonly table = new Map<number, Neighbour>();
  /** Addresses we must keep resolved (real servers); others are learned opportunistically. */
  private readonly wanted = new Set<number>();

  constructor(private readonly maxEntries = 65_536) {}

  want(ip: number): void {
    this.wanted.add(ip);
  }

  unwant(ip: number): void {
    this.wanted.delete(ip);
  }

  get(ip: number): Uint8Array | undefined {
    return this.table.get(ip)?.mac;
  }

  /** Records ip → mac (copied only when new or changed, so the hot path allocates rarely). */
  learn(ip: number, buf: Uint8Array, at: number, now: number): void {
    const known = this.table.get(ip);
    if (known && sameMac(known.mac, buf, at)) {
      known.seen = now;
      return;
    }
    if (!known && this.table.size >= this.maxEntries) this.evictOne();
    this.table.set(ip, { mac: Uint8Array.from(buf.subarray(at, at + 6)), seen: now }); // a copy: Buffer.slice would be a view
  }

  /** Wanted addresses not resolved, or not confirmed for `staleMs`: ask ARP for these. */
  toResolve(now: number, staleMs: number): number[] {
    const out: number[] = [];
    for (const ip of this.wanted) {
      const n = this.table.get(ip);
      if (!n || now - n.seen > staleMs) out.push(ip);
    }
    return out;
  }

  /** Forgets every learned address; what is wanted stays (it follows the config). For an engine brought
   *  back to a clean state in place (the fuzzer reuses one), since Transmit and Control share this table. */
  clear(): void {
    this.table.clear();
  }

  isWanted(ip: number): boolean {
    return this.wanted.has(ip);
  }

  private evictOne(): void {
    for (const ip of this.table.keys()) {
      if (!this.wanted.has(ip)) {
        this.table.delete(ip);
        return;
      }
    }
  }
}

function sameMac(mac: Uint8Array, buf: Uint8Array, at: number): boolean {
  for (let i = 0; i < 6; i++) if (mac[i] !== buf[at + i]) return false;
  return true;
}
