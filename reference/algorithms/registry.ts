// The scheduler registry: one factory per file, looked up by its config string.
import { dh } from './dh.ts';
import { ewma } from './ewma.ts';
import { first } from './first.ts';
import { fo } from './fo.ts';
import { iphash } from './iphash.ts';
import { lblc } from './lblc.ts';
import { lblcr } from './lblcr.ts';
import { lc } from './lc.ts';
import { maglev } from './maglev.ts';
import { nq } from './nq.ts';
import { ovf } from './ovf.ts';
import { p2c } from './p2c.ts';
import { random } from './random.ts';
import { rendezvous } from './rendezvous.ts';
import { ring } from './ring.ts';
import { rr } from './rr.ts';
import { sed } from './sed.ts';
import { sh } from './sh.ts';
import { wlc } from './wlc.ts';
import { wrandom } from './wrandom.ts';
import { wrr } from './wrr.ts';
import type { SchedulerFactory } from './types.ts';

const factories: readonly SchedulerFactory[] = [
  rr, wrr, lc, wlc, sed, nq, random, wrandom, p2c, ewma,
  sh, dh, iphash, ring, maglev, rendezvous, lblc, lblcr,
  fo, ovf, first,
];

const byName = new Map(factories.map((f) => [f.name, f]));

export function schedulerFactory(name: string): SchedulerFactory | undefined {
  return byName.get(name);
}

export function schedulerNames(): string[] {
  return factories.map((f) => f.name);
}
