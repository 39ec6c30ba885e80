// Latencies into HDR histograms (microsecond resolution, 3 significant digits), overall and
// per second of the run, so the report can draw both percentile curves and timelines.
import * as hdr from 'hdr-histogram-js';
import type { LatencySummary, TimelinePoint } from '../../reports/schema/index.ts';
import type { LoadOutcome } from './types.ts';

/** Two minutes: anything longer is clamped (the generators time requests out well before). */
const HIGHEST_US = 120_000_000;

export type Histogram = ReturnType<typeof hdr.build>;

export function newHistogram(): Histogram {
  return hdr.build({ bitBucketSize: 32, useWebAssembly: false, lowestDiscernibleValue: 1, highestTrackableValue: HIGHEST_US, numberOfSignificantValueDigits: 3 });
}

export function summarize(h: Histogram): LatencySummary {
  if (h.totalCount === 0) return { p50: 0, p90: 0, p99: 0, p999: 0, max: 0, mean: 0 };
  const ms = (us: number) => us / 1000;
  return {
    p50: ms(h.getValueAtPercentile(50)),
    p90: ms(h.getValueAtPercentile(90)),
    p99: ms(h.getValueAtPercentile(99)),
    p999: ms(h.getValueAtPercentile(99.9)),
    max: ms(h.maxValue),
    mean: ms(h.mean),
  };
}

export class LatencyRecorder {
  readonly overall = newHistogram();
  private readonly perSecond: Histogram[] = [];

  /** @param latencyMs the latency; @param atS seconds since the run began, when the response completed. */
  record(latencyMs: number, atS: number): void {
    const us = Math.min(HIGHEST_US, Math.max(1, Math.round(latencyMs * 1000)));
    this.overall.recordValue(us);
    const second = Math.max(0, Math.floor(atS));
    while (this.perSecond.length <= second) this.perSecond.push(newHistogram());
    (this.perSecond[second] as Histogram).recordValue(us);
  }

  get count(): number {
    return this.overall.totalCount;
  }

  summary(): LatencySummary {
    return summarize(this.overall);
  }

  /** One point per whole second up to `seconds` (a trailing partial second is left out). */
  timeline(seconds: number): TimelinePoint[] {
    const points: TimelinePoint[] = [];
    for (let s = 0; s < Math.floor(seconds + 1e-9); s++) {
      const h = this.perSecond[s];
      const n = h?.totalCount ?? 0;
      points.push({ t: s + 1, rps: n, p50Ms: h && n ? h.getValueAtPercentile(50) / 1000 : 0, p99Ms: h && n ? h.getValueAtPercentile(99) / 1000 : 0 });
    }
    return points;
  }

  /** The run's outcome: its counts with these latencies, over `timelineSeconds` whole seconds.
   *  Frees the histograms: the recorder is done after this. */
  finish(run: { requests: number; measuredSeconds: number; errors: number; non2xx: number; timelineSeconds: number; late?: number; dropped?: number }): LoadOutcome {
    const { timelineSeconds, ...counts } = run;
    const outcome: LoadOutcome = { ...counts, rps: run.requests / run.measuredSeconds, latencyMs: this.summary(), timeline: this.timeline(timelineSeconds) };
    this.destroy();
    return outcome;
  }

  /** Frees the histograms' buffers. */
  destroy(): void {
    this.overall.destroy();
    for (const h of this.perSecond) h.destroy();
    this.perSecond.length = 0;
  }
}
