// The connection table: one entry per flow (protocol, client address:port, VIP:port) → real server,
// with TCP-aware timeouts. Struct-of-arrays in typed arrays and open addressing with linear probing,
// so a million flows cost about 50 bytes each and lookups allocate nothing. A second index by
// (real server, client) finds NAT replies. Time comes in as an argument (milliseconds).

export const STATE_FREE = 0;
export const STATE_TCP_SYN = 1;
export const STATE_TCP_ESTABLISHED = 2;
export const STATE_TCP_FIN = 3;
export const STATE_TCP_CLOSED = 4;
export const STATE_UDP = 5;
export const STATE_OTHER = 6;

const PROTO_TCP = 6;
const PROTO_UDP = 17;
const TCP_FIN = 0x01;
const TCP_SYN = 0x02;
const TCP_RST = 0x04;
const TCP_ACK = 0x10;

export interface ConnTimeouts {
  /** Established TCP (IPVS default 900 s). */
  tcpEstablished: number;
  /** TCP after SYN or FIN: short, so half-open and closing flows go quickly. */
  tcpTransient: number;
  /** TCP after RST. */
  tcpClosed: number;
  /** UDP idle timeout. */
  udp: number;
  /** Any other IP protocol (DR/TUN forward them unchanged). */
  other: number;
}

export const DEFAULT_TIMEOUTS: ConnTimeouts = { tcpEstablished: 900_000, tcpTransient: 60_000, tcpClosed: 10_000, udp: 300_000, other: 300_000 };

export interface ConnCounters {
  /** New flows refused because the table was full. */
  full: number;
  expired: number;
  added: number;
  /** Flows replaced by a new connection on the same addresses and ports (a SYN on a closing flow). */
  recycled: number;
}

export const MAX_SERVERS = 65_535;

function mix(a: number, b: number, c: number, d: number): number {
  let h = Math.imul(a ^ 0x9e3779b9, 0x85ebca6b);
  h = Math.imul(h ^ (h >>> 13) ^ b, 0xc2b2ae35);
  h = Math.imul(h ^ (h >>> 16) ^ c, 0x27d4eb2f);
  h = Math.imul(h ^ (h >>> 15) ^ d, 0x165667b1);
  return (h ^ (h >>> 16)) >>> 0;
}

function nextPowerOfTwo(n: number): number {
  let p = 1;
  while (p < n) p *= 2;
  return p;
}

export class ConnTable {
  readonly capacity: number;
  readonly counters: ConnCounters = { full: 0, expired: 0, added: 0, recycled: 0 };
  /** Flows per real server index (all states): what least-connection schedulers read as `active`. */
  readonly perServer = new Int32Array(MAX_SERVERS + 1);
  private count = 0;
  private readonly clientIp: Uint32Array;
  private readonly vip: Uint32Array;
  private readonly serverIp: Uint32Array;
  private readonly clientPort: Uint16Array;
  private readonly vport: Uint16Array;
  private readonly serverPort: Uint16Array;
  private readonly proto: Uint8Array;
  private readonly states: Uint8Array;
  private readonly servers: Uint16Array;
  private readonly expiry: Float64Array;
  private readonly free: Int32Array;
  private freeTop: number;
  private readonly forward: Int32Array;
  private readonly reverse: Int32Array | undefined;
  private readonly mask: number;
  private sweepCursor = 0;

  constructor(
    capacity: number,
    private readonly timeouts: ConnTimeouts = DEFAULT_TIMEOUTS,
    withReverseIndex = true,
  ) {
    if (!Number.isInteger(capacity) || capacity < 1) throw new RangeError('capacity must be a positive integer');
    this.capacity = capacity;
    this.clientIp = new Uint32Array(capacity);
    this.vip = new Uint32Array(capacity);
    this.serverIp = new Uint32Array(capacity);
    this.clientPort = new Uint16Array(capacity);
    this.vport = new Uint16Array(capacity);
    this.serverPort = new Uint16Array(capacity);
    this.proto = new Uint8Array(capacity);
    this.states = new Uint8Array(capacity);
    this.servers = new Uint16Array(capacity);
    this.expiry = new Float64Array(capacity);
    this.free = new Int32Array(capacity);
    for (let i = 0; i < capacity; i++) this.free[i] = capacity - 1 - i;
    this.freeTop = capacity;
    const slots = nextPowerOfTwo(capacity * 2);
    this.mask = slots - 1;
    this.forward = new Int32Array(slots);
    this.reverse = withReverseIndex ? new Int32Array(slots) : undefined;
  }

  /** True when replies can be matched (NAT). */
  get hasReverse(): boolean {
    return this.reverse !== undefined;
  }

  get size(): number {
    return this.count;
  }

  // ---- lookups ----

  /** The flow for a client packet to a VIP, or -1. */
  find(proto: number, clientIp: number, clientPort: number, vip: number, vport: number): number {
    const table = this.forward;
    for (let s = mix(clientIp, vip, (clientPort << 16) | vport, proto) & this.mask; ; s = (s + 1) & this.mask) {
      const e = table[s]! - 1;
      if (e < 0) return -1;
      if (this.clientIp[e] === clientIp && this.clientPort[e] === clientPort && this.vip[e] === vip && this.vport[e] === vport && this.proto[e] === proto) return e;
    }
  }

  /** The flow a real server's reply belongs to (NAT), or -1. */
  findReverse(proto: number, serverIp: number, serverPort: number, clientIp: number, clientPort: number): number {
    const table = this.reverse;
    if (!table) return -1;
    for (let s = mix(serverIp, clientIp, (serverPort << 16) | clientPort, proto) & this.mask; ; s = (s + 1) & this.mask) {
      const e = table[s]! - 1;
      if (e < 0) return -1;
      if (this.serverIp[e] === serverIp && this.serverPort[e] === serverPort && this.clientIp[e] === clientIp && this.clientPort[e] === clientPort && this.proto[e] === proto) return e;
    }
  }

  // ---- entry fields ----

  server(e: number): number {
    return this.servers[e]!;
  }
  serverAddress(e: number): number {
    return this.serverIp[e]!;
  }
  serverPortOf(e: number): number {
    return this.serverPort[e]!;
  }
  vipOf(e: number): number {
    return this.vip[e]!;
  }
  vportOf(e: number): number {
    return this.vport[e]!;
  }
  clientAddress(e: number): number {
    return this.clientIp[e]!;
  }
  state(e: number): number {
    return this.states[e]!;
  }
  expiresAt(e: number): number {
    return this.expiry[e]!;
  }

  // ---- changes ----

  /** Removes a flow that a new connection on the same 4-tuple replaces. */
  recycle(e: number): void {
    this.remove(e);
    this.counters.recycled++;
  }

  /** Adds a flow; -1 (and counters.full + 1) when the table is full. */
  add(proto: number, clientIp: number, clientPort: number, vip: number, vport: number, server: number, serverIp: number, serverPort: number, now: number): number {
    if (this.freeTop === 0) {
      this.counters.full++;
      return -1;
    }
    const e = this.free[--this.freeTop]!;
    this.clientIp[e] = clientIp;
    this.clientPort[e] = clientPort;
    this.vip[e] = vip;
    this.vport[e] = vport;
    this.proto[e] = proto;
    this.servers[e] = server;
    this.serverIp[e] = serverIp;
    this.serverPort[e] = serverPort;
    const state = proto === PROTO_TCP ? STATE_TCP_SYN : proto === PROTO_UDP ? STATE_UDP : STATE_OTHER;
    this.states[e] = state;
    this.expiry[e] = now + this.timeoutFor(state);
    this.insertIndex(this.forward, this.forwardHome(e), e);
    if (this.reverse) this.insertIndex(this.reverse, this.reverseHome(e), e);
    this.perServer[server]!++;
    this.count++;
    this.counters.added++;
    return e;
  }

  /** Moves a flow to another real server (rescheduling after its server was removed). */
  reassign(e: number, server: number, serverIp: number, serverPort: number): void {
    if (this.reverse) this.removeIndex(this.reverse, this.reverseHome(e), e, (x) => this.reverseHome(x));
    this.perServer[this.servers[e]!]!--;
    this.servers[e] = server;
    this.serverIp[e] = serverIp;
    this.serverPort[e] = serverPort;
    this.perServer[server]!++;
    if (this.reverse) this.insertIndex(this.reverse, this.reverseHome(e), e);
  }

  /** Records a packet of flow `e` and sets its timeout from the TCP flags (ignored for UDP/other). */
  observe(e: number, tcpFlags: number, now: number): void {
    let state = this.states[e]!;
    if (this.proto[e] === PROTO_TCP) {
      if (tcpFlags & TCP_RST) state = STATE_TCP_CLOSED;
      else if (tcpFlags & TCP_FIN) state = STATE_TCP_FIN;
      else if (tcpFlags & TCP_SYN && !(tcpFlags & TCP_ACK)) state = STATE_TCP_SYN;
      else if (tcpFlags & TCP_ACK && state === STATE_TCP_SYN) state = STATE_TCP_ESTABLISHED;
      this.states[e] = state;
    }
    this.expiry[e] = now + this.timeoutFor(state);
  }

  /** Removes the flow if its time is up; true when it did. */
  expireIfDue(e: number, now: number): boolean {
    if (this.expiry[e]! > now) return false;
    this.remove(e);
    this.counters.expired++;
    return true;
  }

  remove(e: number): void {
    if (this.states[e] === STATE_FREE) return;
    this.removeIndex(this.forward, this.forwardHome(e), e, (x) => this.forwardHome(x));
    if (this.reverse) this.removeIndex(this.reverse, this.reverseHome(e), e, (x) => this.reverseHome(x));
    this.perServer[this.servers[e]!]!--;
    this.states[e] = STATE_FREE;
    this.free[this.freeTop++] = e;
    this.count--;
  }

  /** Expires due flows among the next `budget` slots (call it on a timer; it walks the table in turns). */
  sweep(now: number, budget = 4096): number {
    let removed = 0;
    for (let n = 0; n < budget && n < this.capacity; n++) {
      const e = this.sweepCursor;
      this.sweepCursor = (this.sweepCursor + 1) % this.capacity;
      if (this.states[e] !== STATE_FREE && this.expireIfDue(e, now)) removed++;
    }
    return removed;
  }

  /** Every live flow of a real server (for expiring or rescheduling after it is removed). */
  flowsOf(server: number): number[] {
    const out: number[] = [];
    for (let e = 0; e < this.capacity; e++) if (this.states[e] !== STATE_FREE && this.servers[e] === server) out.push(e);
    return out;
  }

  private timeoutFor(state: number): number {
    switch (state) {
      case STATE_TCP_ESTABLISHED:
        return this.timeouts.tcpEstablished;
      case STATE_TCP_SYN:
      case STATE_TCP_FIN:
        return this.timeouts.tcpTransient;
      case STATE_TCP_CLOSED:
        return this.timeouts.tcpClosed;
      case STATE_UDP:
        return this.timeouts.udp;
      default:
        return this.timeouts.other;
    }
  }

  private forwardHome(e: number): number {
    return mix(this.clientIp[e]!, this.vip[e]!, (this.clientPort[e]! << 16) | this.vport[e]!, this.proto[e]!) & this.mask;
  }

  private reverseHome(e: number): number {
    return mix(this.serverIp[e]!, this.clientIp[e]!, (this.serverPort[e]! << 16) | this.clientPort[e]!, this.proto[e]!) & this.mask;
  }

  private insertIndex(table: Int32Array, home: number, e: number): void {
    let s = home;
    while (table[s] !== 0) s = (s + 1) & this.mask;
    table[s] = e + 1;
  }

  /** Linear-probing deletion by backward shift: no tombstones, so lookups stay short. */
  private removeIndex(table: Int32Array, home: number, e: number, homeOf: (e: number) => number): void {
    let hole = home;
    while (table[hole] !== e + 1) {
      if (table[hole] === 0) return;
      hole = (hole + 1) & this.mask;
    }
    let j = hole;
    for (;;) {
      j = (j + 1) & this.mask;
      const occupant = table[j]! - 1;
      if (occupant < 0) break;
      const k = homeOf(occupant);
      // Move the occupant into the hole unless its home lies cyclically in (hole, j].
      const between = hole <= j ? k > hole && k <= j : k > hole || k <= j;
      if (!between) {
        table[hole] = occupant + 1;
        hole = j;
      }
    }
    table[hole] = 0;
  }
}
