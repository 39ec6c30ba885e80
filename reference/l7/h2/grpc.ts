// gRPC over HTTP/2 as the balancer sees it, pure: the grpc-timeout header (gRPC's PROTOCOL-HTTP2.md,
// "Timeout → TimeoutValue TimeoutUnit", at most 8 digits, units H M S m u n), the status codes the
// balancer itself answers with, and the trailers-only response that carries them.
import type { OutgoingHttpHeaders } from 'node:http2';

/** The codes the balancer produces itself (grpc/doc/statuscodes.md). */
export const GrpcStatus = { OK: 0, CANCELLED: 1, DEADLINE_EXCEEDED: 4, RESOURCE_EXHAUSTED: 8, UNIMPLEMENTED: 12, INTERNAL: 13, UNAVAILABLE: 14 } as const;

const TIMEOUT = /^(\d{1,8})([HMSmun])$/;
const UNIT_MS: Record<string, number> = { H: 3_600_000, M: 60_000, S: 1000, m: 1, u: 1e-3, n: 1e-6 };

/** grpc-timeout in milliseconds, or undefined when absent or malformed (a malformed one is ignored,
 *  as gRPC servers do). */
export function parseGrpcTimeout(value: string | string[] | undefined): number | undefined {
  if (typeof value !== 'string') return undefined;
  const m = TIMEOUT.exec(value.trim());
  if (!m) return undefined;
  return Number(m[1]) * (UNIT_MS[m[2] as string] as number);
}

/** Whether a request is gRPC: content-type application/grpc, optionally +proto / ;params. */
export function isGrpc(contentType: string | string[] | undefined): boolean {
  return typeof contentType === 'string' && /^application\/grpc(?:[+;]|$)/i.test(contentType);
}

/** gRPC's mapping of an HTTP status the balancer would have sent (doc/http-grpc-status-mapping.md). */
export function grpcStatusForHttp(status: number): number {
  if (status === 400) return GrpcStatus.INTERNAL;
  if (status === 401) return 16;
  if (status === 403) return 7;
  if (status === 404) return GrpcStatus.UNIMPLEMENTED;
  if (status === 429 || status === 502 || status === 503 || status === 504) return GrpcStatus.UNAVAILABLE;
  return 2; // UNKNOWN
}

/** A trailers-only response: HTTP 200, the status in the only HEADERS frame (with END_STREAM). */
export function trailersOnly(status: number, message: string): OutgoingHttpHeaders {
  return { ':status': 200, 'content-type': 'application/grpc', 'grpc-status': String(status), 'grpc-message': encodeURIComponent(message) };
}
