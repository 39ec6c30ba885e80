// Shared by lblc and lblcr (IPVS locality-based schedulers): the overload rule, the weighted
// least-connection fallback, and a bounded, expiring table from destination key to its entry.
// A pick on a known destination costs O(1): the key is found in a typed open-addressing table
// (not a Map on a double), and an entry remembers its backends by index into the current list
// (re-resolved by id once after each update), not by a string lookup.
import { canTake } from './eligible.ts';
import { LeastScan } from './least.ts';
import type { BackendView, PickContext } from './types.ts';

/** Key → entry. Entries unused for `expirationMs` count as absent (IPVS collects them in a timer;
 *  here they are dropped when met). When the table is full the oldest-created entry goes first: a
 *  lookup only stamps lastUse (moving the entry to the back would be LRU, not what was pinned).
 *  Storage: entries live in slots chained in creation order (prev/next), and an open-addressing
 *  index (linear probing, Fibonacci hashing of the 32-bit key, backward-shift deletion so no
 *  tombstones) maps a key to its slot. Slots and index start small and double up to maxEntries. */
export class LocalityTable<T extends { lastUse: number }> {
  private slots = 0; // capacity of the slot arrays
  private keys = new Uint32Array(0);
  private values: Array<T | undefined> = [];
  private prev = new Int32Array(0);
  private next = new Int32Array(0);
  private oldest = -1;
  private newest = -1;
  private freeSlots: number[] = [];
  private used = 0; // slots handed out so far (the rest of 0..slots-1 are fresh)
  private index = new Int32Array(0); // slot + 1, 0 = empty
  private shift = 32;
  private count = 0;

  constructor(
    private readonly maxEntries: number,
    private readonly expirationMs: number,
  ) {
    this.grow(Math.min(maxEntries, 64));
  }

  get(key: number, now: number): T | undefined {
    const at = this.find(key);
    if (at < 0) return undefined;
    const slot = this.index[at]! - 1;
    const e = this.values[slot]!;
    if (now - e.lastUse > this.expirationMs) {
      this.remove(at, slot);
      return undefined;
    }
    e.lastUse = now;
    return e;
  }

  /** Look without touching (tests and diagnostics). */
  peek(key: number): T | undefined {
    const at = this.find(key);
    return at < 0 ? undefined : this.values[this.index[at]! - 1];
  }

  /** As Map.set: a present key keeps its place in creation order; a new one may push out the oldest. */
  set(key: number, entry: T): void {
    const at = this.find(key);
    if (at >= 0) {
      this.values[this.index[at]! - 1] = entry;
      return;
    }
    if (this.count === this.maxEntries) this.remove(this.find(this.keys[this.oldest]!), this.oldest);
    else if (this.count === this.slots) this.grow(Math.min(this.maxEntries, this.slots * 2));
    const slot = this.freeSlots.length > 0 ? this.freeSlots.pop()! : this.used++;
    this.keys[slot] = key;
    this.values[slot] = entry;
    this.prev[slot] = this.newest;
    this.next[slot] = -1;
    if (this.newest >= 0) this.next[this.newest] = slot;
    else this.oldest = slot;
    this.newest = slot;
    this.place(key, slot);
    this.count++;
  }

  get size(): number {
    return this.count;
  }

  private home(key: number): number {
    return Math.imul(key, 0x9e3779b1) >>> this.shift;
  }

  /** Index position holding `key`, or −1. */
  private find(key: number): number {
    const index = this.index;
    const mask = index.length - 1;
    for (let at = this.home(key); ; at = (at + 1) & mask) {
      const slot = index[at]!;
      if (slot === 0) return -1;
      if (this.keys[slot - 1] === key) return at;
    }
  }

  private place(key: number, slot: number): void {
    const mask = this.index.length - 1;
    let at = this.home(key);
    while (this.index[at] !== 0) at = (at + 1) & mask;
    this.index[at] = slot + 1;
  }

  /** Drop the entry in `slot`, found at index position `at`. */
  private remove(at: number, slot: number): void {
    const p = this.prev[slot]!;
    const n = this.next[slot]!;
    if (p >= 0) this.next[p] = n;
    else this.oldest = n;
    if (n >= 0) this.prev[n] = p;
    else this.newest = p;
    this.values[slot] = undefined;
    this.freeSlots.push(slot);
    this.count--;
    // Backward-shift deletion: pull later entries of the probe run into the hole when their home
    // is not between the hole and them (cyclically), so every key stays reachable from its home.
    const index = this.index;
    const mask = index.length - 1;
    let hole = at;
    for (let j = (hole + 1) & mask; index[j] !== 0; j = (j + 1) & mask) {
      const h = this.home(this.keys[index[j]! - 1]!);
      if (((j - h) & mask) >= ((j - hole) & mask)) {
        index[hole] = index[j]!;
        hole = j;
      }
    }
    index[hole] = 0;
  }

  /** Room for `slots` entries; the index stays at most half full. */
  private grow(slots: number): void {
    const keys = new Uint32Array(slots);
    const prev = new Int32Array(slots);
    const next = new Int32Array(slots);
    keys.set(this.keys);
    prev.set(this.prev);
    next.set(this.next);
    this.keys = keys;
    this.prev = prev;
    this.next = next;
    this.slots = slots;
    const bits = Math.max(2, Math.ceil(Math.log2(slots * 2)));
    this.index = new Int32Array(2 ** bits);
    this.shift = 32 - bits;
    for (let slot = this.oldest; slot >= 0; slot = this.next[slot]!) this.place(this.keys[slot]!, slot);
  }
}

export class LocalityBase {
  protected list: readonly BackendView[] = [];
  /** Where the last backend under half its weight was found: the next overload check looks there first. */
  private underHalf = 0;
  /** Bumped by every update(): an entry resolved under an older epoch looks its ids up again. */
  protected epoch = 0;
  private indexById = new Map<string, number>();
  protected readonly fallback = new LeastScan('active/weight');

  update(backends: readonly BackendView[]): void {
    this.list = [...backends];
    this.indexById = new Map(backends.map((b, i) => [b.id, i])); // a repeated id: the last one, as before
    this.epoch++;
    this.underHalf = 0;
    this.fallback.update(backends);
  }

  /** IPVS is_overloaded(): busier than its weight while some backend is under half its weight.
   *  IPVS scans the whole list for that backend; any one will do, so the scan starts where the
   *  last was found, which usually still is (O(1) while it stays under half). Proving that none is
   *  takes the full scan, as in IPVS: active counts change in place, unseen by the scheduler. */
  protected overloaded(dest: BackendView): boolean {
    if (dest.active <= dest.weight) return false;
    const all = this.list;
    const n = all.length;
    for (let s = 0; s < n; s++) {
      const i = this.underHalf + s < n ? this.underHalf + s : this.underHalf + s - n;
      const d = all[i]!;
      if (d.active * 2 < d.weight) {
        this.underHalf = i;
        return true;
      }
    }
    return false;
  }

  /** Where `id` is in the current list, or −1 (off the hot path: once per entry per update). */
  protected indexOf(id: string): number {
    return this.indexById.get(id) ?? -1;
  }

  /** The backend at `index` of the current list, if it may take work. */
  protected live(index: number, ctx: PickContext): BackendView | undefined {
    const b = index >= 0 ? this.list[index] : undefined;
    return b && canTake(b, ctx) ? b : undefined;
  }
}
