// Shared by lblc and lblcr (IPVS locality-based schedulers): the overload rule, the weighted
// least-connection fallback, and a bounded, expiring map from destination key to its entry.
import { canTake } from './eligible.ts';
import { LeastScan } from './least.ts';
import type { BackendView, PickContext } from './types.ts';
import { wlcCheaper } from './wlc.ts';

/** IPVS is_overloaded(): busier than its weight while some backend is under half its weight. */
export function overloaded(dest: BackendView, all: readonly BackendView[]): boolean {
  if (dest.active <= dest.weight) return false;
  for (const d of all) if (d.active * 2 < d.weight) return true;
  return false;
}

/** Key → entry. Entries unused for `expirationMs` count as absent (IPVS collects them in a timer;
 *  here they are dropped when met). When the map is full the oldest-created entry goes first: a
 *  lookup only stamps lastUse (re-inserting to keep LRU order would cost a delete and an insert
 *  on every pick, several times the rest of the pick). */
export class LocalityTable<T extends { lastUse: number }> {
  private readonly entries = new Map<number, T>();

  constructor(
    private readonly maxEntries: number,
    private readonly expirationMs: number,
  ) {}

  get(key: number, now: number): T | undefined {
    const e = this.entries.get(key);
    if (!e) return undefined;
    if (now - e.lastUse > this.expirationMs) {
      this.entries.delete(key);
      return undefined;
    }
    e.lastUse = now;
    return e;
  }

  /** Look without touching (tests and diagnostics). */
  peek(key: number): T | undefined {
    return this.entries.get(key);
  }

  set(key: number, entry: T): void {
    this.entries.set(key, entry);
    if (this.entries.size > this.maxEntries) {
      const oldest = this.entries.keys().next();
      if (!oldest.done) this.entries.delete(oldest.value);
    }
  }

  get size(): number {
    return this.entries.size;
  }
}

export class LocalityBase {
  protected list: readonly BackendView[] = [];
  protected byId = new Map<string, BackendView>();
  protected readonly fallback = new LeastScan(wlcCheaper);

  update(backends: readonly BackendView[]): void {
    this.list = [...backends];
    this.byId = new Map(backends.map((b) => [b.id, b]));
    this.fallback.update(backends);
  }

  /** The current view of `id`, if it is still in the pool and may take work. */
  protected live(id: string, ctx: PickContext): BackendView | undefined {
    const b = this.byId.get(id);
    return b && canTake(b, ctx) ? b : undefined;
  }
}
