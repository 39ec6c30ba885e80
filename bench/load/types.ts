// What a load generator returns for one run against one URL.
import type { LatencySummary, TimelinePoint } from '../../reports/schema/index.ts';

export interface LoadTarget {
  /** Loopback: http://127.x.y.z:port/path or http://[::1]:port/path; or one of ownHosts. */
  url: string;
  /** Hosts the project created inside 198.18.0.0/15 (e.g. an LVS VIP in containers) that may also take load. */
  ownHosts?: readonly string[];
  /** A new connection per request (Connection: close) instead of keep-alive; closed loop only. */
  closeConnections?: boolean;
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
