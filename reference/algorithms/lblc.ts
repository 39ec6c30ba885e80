// lblc: locality-based least connections (for cache clusters). Each destination key remembers
// the backend it was sent to and keeps going there, unless that backend cannot take work or is
// overloaded (more active than its weight while another backend is under half its weight); then
// weighted least connections picks a new one and the key moves to it. Entries unused for
// expirationMs (default 24 h, IPVS lblc_expiration) are forgotten; at most maxEntries (default
// 16384 = IPVS's table size × 16) are kept, the oldest dropped first.
// Source: Linux IPVS ip_vs_lblc.c.
import { keyOf } from './hash-key.ts';
import { LocalityBase, LocalityTable } from './locality.ts';
import { allowOnly, numberOption } from './options.ts';
import type { BackendView, PickContext, Scheduler, SchedulerFactory, SchedulerOptions } from './types.ts';

interface Entry {
  id: string;
  /** Where id is in the current list (−1: gone), as of `epoch`. */
  index: number;
  epoch: number;
  lastUse: number;
}

class LocalityLeastConnections extends LocalityBase implements Scheduler {
  readonly name = 'lblc';
  private readonly table: LocalityTable<Entry>;

  constructor(maxEntries: number, expirationMs: number) {
    super();
    this.table = new LocalityTable(maxEntries, expirationMs);
  }

  pick(ctx: PickContext): BackendView | undefined {
    const key = keyOf(ctx);
    const now = ctx.now();
    const entry = this.table.get(key, now);
    if (entry && entry.epoch !== this.epoch) {
      entry.index = this.indexOf(entry.id);
      entry.epoch = this.epoch;
    }
    const remembered = entry && this.live(entry.index, ctx);
    if (remembered && !this.overloaded(remembered)) return remembered;
    const chosen = this.fallback.pick(ctx);
    if (!chosen) return undefined;
    this.table.set(key, { id: chosen.id, index: this.indexOf(chosen.id), epoch: this.epoch, lastUse: now });
    return chosen;
  }
}

export function localityOptions(name: string, options: SchedulerOptions | undefined): [number, number] {
  allowOnly(name, options, ['maxEntries', 'expirationMs']);
  return [
    numberOption(name, options, 'maxEntries', { default: 16_384, min: 1, max: 10_000_000, integer: true }),
    numberOption(name, options, 'expirationMs', { default: 86_400_000, min: 1, max: 30 * 86_400_000 }),
  ];
}

export const lblc: SchedulerFactory = {
  name: 'lblc',
  description: 'locality-based least connections: a destination sticks to its backend until overloaded (IPVS lblc)',
  needsKey: true,
  create(options) {
    return new LocalityLeastConnections(...localityOptions('lblc', options));
  },
};
