// The backend agent's wire contract: how it answers traffic and what its control port returns.
// The local driver runs it as a process on loopback; the containers driver runs the same agent in
// a container. Checks learn which backend answered from the reply itself, like HAProxy's
// reg-tests fake servers that answer `Server: sN`.

/** HTTP: every reply carries this response header with the backend's id (the body starts with it too). */
export const BACKEND_HEADER = 'x-fulcrum-backend';

/** HTTP path the agent holds open: headers and the first body line go out at once, the rest of the
 *  body when the harness releases it (control POST /release?token=…), the client goes away, or
 *  `?ms=` (at most HOLD_MAX_MS) has passed. `?token=` names the held request for /release. */
export const HOLD_PATH = '/hold';
export const HOLD_MAX_MS = 60_000;

/** HTTP path answered 200 for health checks; such requests are counted, not recorded. */
export const HEALTH_PATH = '/healthz';

/** TCP: the client sends a line, the agent answers `<id> <line>\n` (and echoes every further line).
 *  UDP: each datagram is answered with `<id> <payload>`. */
export function replyLine(id: string, payload: string): string {
  return `${id} ${payload}`;
}

/** The backend id at the start of a TCP/UDP reply, or undefined if it is not one of ours. */
export function backendOfReply(reply: string): string | undefined {
  const m = /^([A-Za-z0-9_.-]+) /.exec(reply);
  return m?.[1];
}

export interface AddressPort {
  address: string;
  port: number;
}

/** What a PROXY protocol header carried (v1 text or v2 binary). */
export interface ProxyHeaderRecord {
  version: 1 | 2;
  /** v1 "TCP4"/"TCP6"/"UNKNOWN"; v2 "PROXY"/"LOCAL" command with family. */
  kind: string;
  source?: AddressPort;
  destination?: AddressPort;
}

/** One unit of work the agent saw: an HTTP request, a TCP connection that sent data, a UDP datagram. */
export interface AgentRecord {
  backend: string;
  protocol: 'http' | 'tcp' | 'udp';
  /** Who connected to the agent (for a terminating balancer: the balancer). */
  peer: AddressPort;
  /** Milliseconds since the epoch when it arrived. */
  at: number;
  /** HTTP only. */
  method?: string;
  path?: string;
  /** Selected request headers, lower-case names: x-forwarded-for, forwarded, x-forwarded-proto. */
  headers?: Record<string, string>;
  proxy?: ProxyHeaderRecord;
  /** The first line/payload a TCP or UDP client sent. */
  payload?: string;
}

/** GET /records on the control port. */
export interface AgentSnapshot {
  id: string;
  records: AgentRecord[];
  /** Open right now: HTTP requests not yet answered in full, TCP connections. */
  active: { http: number; tcp: number };
  /** Work seen since start or reset, counted also past the record limit (bench shares under load). */
  served: { http: number; tcp: number; udp: number };
  /** Health-check requests and TCP connections that closed without sending data. */
  probes: number;
}

/** The one line the agent prints on stdout once it listens (drivers wait for it). */
export interface AgentReady {
  ready: true;
  id: string;
  host: string;
  port: number;
  controlPort: number;
}

/** HTTP request header carrying a per-request id from the client; the agent echoes it in the same
 *  response header and in the body (`<backend> <id>`), so a check can tell whose response a client got. */
export const REQUEST_ID_HEADER = 'x-fulcrum-id';

/** HTTP path whose response is deliberately broken, for response-side checks: `?kind=` one of
 *  MISBEHAVIOURS. The agent writes the bytes itself (misbehave.ts says exactly which). */
export const MISBEHAVE_PATH = '/misbehave';
export const MISBEHAVIOURS = [
  /** `HTTP/1.1 2x0 OK`: a status code that is not three digits (RFC 9112 §4). */
  'bad-status',
  /** A header with whitespace before its colon (RFC 9112 §5.1: a proxy must reject or remove it). */
  'space-before-colon',
  /** A NUL byte in a header value (RFC 9110 §5.5). */
  'nul-header',
  /** 256 KiB of response headers. */
  'oversized-headers',
  /** Content-Length: 1000 with 10 bytes of body, then the agent closes (RFC 9112 §8). */
  'truncated',
  /** A chunked body whose first chunk arrives and then the connection closes, no last chunk. */
  'close-mid-chunked',
  /** A complete response followed on the same connection by a second, unrequested response whose
   *  x-fulcrum-id is "unsolicited" (RFC 9112 §9.5/§9.6): it must never reach another request. */
  'appended',
] as const;
export type Misbehaviour = (typeof MISBEHAVIOURS)[number];
/** The id the appended unsolicited response carries. */
export const UNSOLICITED_ID = 'unsolicited';

/** Capture mode (control POST /capture?on=1, off with on=0; reset clears captures): the raw bytes
 *  of every TCP connection to the agent, as received, from the first byte (a PROXY header too). */
export const CAPTURE_CONNECTION_BYTES = 256 * 1024;
export const CAPTURE_TOTAL_BYTES = 16 * 1024 * 1024;

export interface CapturedConnection {
  peer: AddressPort;
  /** Milliseconds since the epoch when the connection was accepted. */
  at: number;
  /** The bytes received, latin1 (one char per byte), at most CAPTURE_CONNECTION_BYTES. */
  bytes: string;
  /** More bytes came than were kept (the per-connection or the total bound). */
  truncated: boolean;
  /** The connection has closed. */
  closed: boolean;
}

/** GET /captures on the control port. */
export interface CaptureSnapshot {
  on: boolean;
  connections: CapturedConnection[];
  /** Connections not captured at all because the total bound was reached. */
  dropped: number;
}
