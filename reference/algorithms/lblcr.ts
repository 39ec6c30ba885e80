// lblcr: locality-based least connections with replication. Each destination key keeps a SET of
// backends; work goes to the set's member with the lowest active/weight. When that member is
// overloaded (IPVS rule: active > weight while some backend is under half its weight) or none can
// take work, weighted least connections over the whole pool picks a backend and adds it to the
// set, so a hot destination spreads over several caches. When a set of more than one has not
// changed for expirationMs (default 24 h), its busiest member is dropped.
// Source: Linux IPVS ip_vs_lblcr.c.
import { keyOf } from './hash-key.ts';
import { localityOptions } from './lblc.ts';
import { LocalityBase, LocalityTable, overloaded } from './locality.ts';
import type { BackendView, PickContext, Scheduler, SchedulerFactory } from './types.ts';

interface Entry {
  /** Newest first, as IPVS adds set members at the head of its list. */
  ids: string[];
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
      if (chosen) this.table.set(key, { ids: [chosen.id], lastMod: now, lastUse: now });
      return chosen;
    }
    const least = this.setMin(entry, ctx);
    if (entry.ids.length > 1 && now - entry.lastMod > this.expirationMs) {
      const busiest = this.setMax(entry);
      if (busiest !== undefined) {
        entry.ids = entry.ids.filter((id) => id !== busiest);
        entry.lastMod = now;
      }
    }
    if (least && !overloaded(least, this.list)) return least;
    const chosen = this.fallback.pick(ctx);
    if (!chosen) return undefined;
    if (!entry.ids.includes(chosen.id)) {
      entry.ids.unshift(chosen.id);
      entry.lastMod = now;
    }
    return chosen;
  }

  /** The member with the lowest active/weight that may take work (first wins ties). */
  private setMin(entry: Entry, ctx: PickContext): BackendView | undefined {
    let least: BackendView | undefined;
    for (const id of entry.ids) {
      const b = this.live(id, ctx);
      if (b && (!least || least.active * b.weight > b.active * least.weight)) least = b;
    }
    return least;
  }

  /** The member with the highest active/weight among those with weight > 0. */
  private setMax(entry: Entry): string | undefined {
    let most: BackendView | undefined;
    for (const id of entry.ids) {
      const b = this.byId.get(id);
      if (b && b.weight > 0 && (!most || most.active * b.weight < b.active * most.weight)) most = b;
    }
    return most?.id;
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
