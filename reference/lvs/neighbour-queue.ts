// Frames waiting for a next hop's MAC, as the kernel's neighbour queue (arp_queue) holds them: a bounded
// number per unresolved address, the oldest dropped first when full, all released once ARP answers and
// dropped when it does not answer in time. Without it the first SYNs to a real server whose MAC the engine
// has not learned yet (the first ~200 ms after start) are lost and the client waits a second to retransmit.
// Pure bookkeeping: frames are copied out of the arena (it is reused by the next batch).

export interface HeldFrame {
  link: number;
  /** The frame from its virtio header on; the Ethernet destination is written on release. */
  bytes: Uint8Array;
  since: number;
}

export interface NeighbourQueueLimits {
  /** Frames held per address (the kernel's unres_qlen was 3; its byte limit holds ~100 small frames). */
  framesPerNeighbour: number;
  /** Bytes held over all addresses (GSO frames can be 64 KiB each). */
  totalBytes: number;
  /** How long a frame may wait (the kernel gives up on a neighbour after ~3 s of probes). */
  maxWaitMs: number;
}

export const DEFAULT_QUEUE_LIMITS: NeighbourQueueLimits = { framesPerNeighbour: 16, totalBytes: 4 << 20, maxWaitMs: 3000 };

export class NeighbourQueue {
  private readonly held = new Map<number, HeldFrame[]>();
  private bytes = 0;

  constructor(private readonly limits: NeighbourQueueLimits = DEFAULT_QUEUE_LIMITS) {}

  get size(): number {
    return this.held.size;
  }

  has(ip: number): boolean {
    return this.held.has(ip);
  }

  /**
   * Holds a copy of buf[at, at+length) for `ip`. Returns how many frames were dropped to make room
   * (the oldest first), and whether this is the first frame waiting for `ip` (time to ask ARP), or
   * `refused` when the frame alone exceeds the byte limit.
   */
  hold(ip: number, link: number, buf: Uint8Array, at: number, length: number, now: number): { first: boolean; dropped: number; refused: boolean } {
    if (length > this.limits.totalBytes) return { first: false, dropped: 0, refused: true };
    let list = this.held.get(ip);
    const first = list === undefined;
    if (!list) this.held.set(ip, (list = []));
    let dropped = 0;
    while (list.length >= this.limits.framesPerNeighbour) dropped += this.dropOldest(list);
    while (this.bytes + length > this.limits.totalBytes) dropped += this.dropOldestAnywhere(list);
    list.push({ link, bytes: Uint8Array.from(buf.subarray(at, at + length)), since: now });
    this.bytes += length;
    return { first, dropped, refused: false };
  }

  /** The frames waiting for `ip`, oldest first; they are no longer held. */
  release(ip: number): HeldFrame[] {
    const list = this.held.get(ip);
    if (!list) return [];
    this.held.delete(ip);
    for (const f of list) this.bytes -= f.bytes.length;
    return list;
  }

  /** Drops frames that waited longer than maxWaitMs; returns how many. */
  expire(now: number): number {
    let dropped = 0;
    for (const [ip, list] of this.held) {
      while (list.length > 0 && now - list[0]!.since > this.limits.maxWaitMs) dropped += this.dropOldest(list);
      if (list.length === 0) this.held.delete(ip);
    }
    return dropped;
  }

  private dropOldest(list: HeldFrame[]): number {
    const f = list.shift();
    if (!f) return 0;
    this.bytes -= f.bytes.length;
    return 1;
  }

  /** Makes room from the longest queue (never leaves `keep` holding nothing it could still send). */
  private dropOldestAnywhere(keep: HeldFrame[]): number {
    let longest: HeldFrame[] | undefined;
    for (const list of this.held.values()) if (list.length > 0 && (!longest || list.length > longest.length)) longest = list;
    return this.dropOldest(longest ?? keep);
  }
}
