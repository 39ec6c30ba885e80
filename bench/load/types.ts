// What a load generator returns for one run against one URL.
import type { LatencySummary, TimelinePoint } from '../schema.ts';

export interface LoadTarget {
  /** Loopback only: http://127.x.y.z:port/path or http://[::1]:port/path. */
  url: string;
}

export interface LoadOutcome {
  requests: number;
  /** requests / measured seconds. */
  rps: number;
  measuredSeconds: number;
  latencyMs: LatencySummary;
  errors: number;
  non2xx: number;
  /** Open loop only. */
  late?: number;
  dropped?: number;
  timeline: TimelinePoint[];
}
