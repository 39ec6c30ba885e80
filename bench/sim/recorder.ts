// Latencies of a simulation: one HDR histogram for the whole run (µs, 3 significant digits, as the
// load generators record) and a coarser one (2 digits) per simulated second for the timeline. A
// simulated run can span hours of simulated time; the timeline keeps its first MAX_TIMELINE_S
// seconds only, so memory stays bounded (about 8 KB per second).
import * as hdr from 'hdr-histogram-js';
import type { LatencySummary, TimelinePoint } from '../../reports/schema/index.ts';
import { newHistogram, summarize, type Histogram } from '../load/latency-recorder.ts';

export const MAX_TIMELINE_S = 600;
const HIGHEST_US = 120_000_000;

const perSecondHistogram = (): Histogram =>
  hdr.build({ bitBucketSize: 32, useWebAssembly: false, lowestDiscernibleValue: 1, highestTrackableValue: HIGHEST_US, numberOfSignificantValueDigits: 2 });

export class SimRecorder {
  private readonly overall = newHistogram();
  private readonly perSecond: Histogram[] = [];

  record(latencyMs: number, atS: number): void {
    const us = Math.min(HIGHEST_US, Math.max(1, Math.round(latencyMs * 1000)));
    this.overall.recordValue(us);
    const second = Math.floor(atS);
    if (second >= MAX_TIMELINE_S) return;
    while (this.perSecond.length <= second) this.perSecond.push(perSecondHistogram());
    (this.perSecond[second] as Histogram).recordValue(us);
  }

  summary(): LatencySummary {
    return summarize(this.overall);
  }

  /** One point per whole second up to `seconds` (at most MAX_TIMELINE_S); a trailing partial second is left out. */
  timeline(seconds: number): TimelinePoint[] {
    const points: TimelinePoint[] = [];
    for (let s = 0; s < Math.min(MAX_TIMELINE_S, Math.floor(seconds + 1e-9)); s++) {
      const h = this.perSecond[s];
      const n = h?.totalCount ?? 0;
      points.push({ t: s + 1, rps: n, p50Ms: h && n ? h.getValueAtPercentile(50) / 1000 : 0, p99Ms: h && n ? h.getValueAtPercentile(99) / 1000 : 0 });
    }
    return points;
  }

  destroy(): void {
    this.overall.destroy();
    for (const h of this.perSecond) h.destroy();
    this.perSecond.length = 0;
  }
}
