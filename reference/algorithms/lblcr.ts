// lblcr: locality-based least connections with replication. Each destination key keeps a SET of
// backends; work goes to the set's member with the lowest active/weight. When that member is
// overloaded (IPVS rule: active > weight while some backend is under half its weight) or none can
// take work, weighted least connections over the whole pool picks a backend and adds it to the
// set, so a hot destination spreads over several caches. When a set of more than one has not
// changed for expirationMs (default 24 h), its busiest member is dropped.
// Source: Linux IPVS ip_vs_lblcr.c.
import { keyOf } from './hash-key.ts';
import { localityOptions } from './lblc.ts';
import { LocalityBase, LocalityTable } from './locality.ts';
import type { BackendView, PickContext, Scheduler, SchedulerFactory } from './types.ts';

interface Entry {
  /** Newest first, as IPVS adds set members at the head of its list. */
  ids: string[];
  /** index[k]: where ids[k] is in the current list (−1: gone), as of `epoch`. */
  index: number[];
  epoch: number;
  lastMod: number;
  lastUse: number;
}

class LocalityReplicated extends LocalityBase implements Scheduler {
  readonly name = 'lblcr';
  private readonly table: LocalityTable<Entry>;

  constructor(
    maxEntries: number,
    private readonly expirationMs: number,
  ) {
    super();
    this.table = new LocalityTable(maxEntries, expirationMs);
  }

  pick(ctx: PickContext): BackendView | undefined {
    const key = keyOf(ctx);
    const now = ctx.now();
    const entry = this.table.get(key, now);
    if (!entry) {
      const chosen = this.fallback.pick(ctx);
      if (chosen) this.table.set(key, { ids: [chosen.id], index: [this.indexOf(chosen.id)], epoch: this.epoch, lastMod: now, lastUse: now });
      return chosen;
    }
    if (entry.epoch !== this.epoch) {
      for (let k = 0; k < entry.ids.length; k++) entry.index[k] = this.indexOf(entry.ids[k]!);
      entry.epoch = this.epoch;
    }
    const least = this.setMin(entry, ctx);
    if (entry.ids.length > 1 && now - entry.lastMod > this.expirationMs) {
      const busiest = this.setMax(entry);
      if (busiest >= 0) {
        entry.ids = entry.ids.filter((_, k) => k !== busiest);
        entry.index = entry.index.filter((_, k) => k !== busiest);
        entry.lastMod = now;
      }
    }
    if (least && !this.overloaded(least)) return least;
    const chosen = this.fallback.pick(ctx);
    if (!chosen) return undefined;
    if (!entry.ids.includes(chosen.id)) {
      entry.ids.unshift(chosen.id);
      entry.index.unshift(this.indexOf(chosen.id));
      entry.lastMod = now;
    }
    return chosen;
  }

  /** The member with the lowest active/weight that may take work (first wins ties). */
  private setMin(entry: Entry, ctx: PickContext): BackendView | undefined {
    let least: BackendView | undefined;
    for (let k = 0; k < entry.index.length; k++) {
      const b = this.live(entry.index[k]!, ctx);
      if (b && (!least || least.active * b.weight > b.active * least.weight)) least = b;
    }
    return least;
  }

  /** Position in the set of the member with the highest active/weight among those with weight > 0 (−1: none). */
  private setMax(entry: Entry): number {
    let most: BackendView | undefined;
    let at = -1;
    for (let k = 0; k < entry.index.length; k++) {
      const i = entry.index[k]!;
      const b = i >= 0 ? this.list[i] : undefined;
      if (b && b.weight > 0 && (!most || most.active * b.weight < b.active * most.weight)) {
        most = b;
        at = k;
      }
    }
    return at;
  }

  /** Members of the set for `key` (tests and diagnostics). */
  members(key: number): readonly string[] {
    return this.table.peek(key >>> 0)?.ids ?? [];
  }
}

export const lblcr: SchedulerFactory = {
  name: 'lblcr',
  description: 'locality-based least connections with replication: a set of backends per destination (IPVS lblcr)',
  needsKey: true,
  create(options) {
    return new LocalityReplicated(...localityOptions('lblcr', options));
  },
};
