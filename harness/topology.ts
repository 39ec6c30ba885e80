// The driver-independent shape of a running test network: one balancer, its clients, its backends.
// The local driver (processes on loopback) and the containers driver implement the same interfaces;
// checks see only these, never which driver or which balancer they run against.
import type { AgentRecord, AgentSnapshot, CaptureSnapshot } from './agent/protocol.ts';
import type { Endpoint, Scenario, ScenarioPlan, Target } from './types.ts';

export type { AgentRecord, AgentSnapshot, CaptureSnapshot, CapturedConnection } from './agent/protocol.ts';

export interface TopologySpec {
  target: Target;
  plan: ScenarioPlan;
  /** How many client hosts (each with its own source address). Default 1. */
  clients?: number;
}

export interface StartOptions {
  /** Progress lines for a person (stderr), e.g. "balancer up on 127.20.0.1:40123". */
  log?: (line: string) => void;
  /** How long the balancer may take to become ready. Default 20 s (a loaded 2-core machine). */
  readyTimeoutMs?: number;
}

export interface Driver {
  /** 'local', 'containers' … (the --driver value). */
  readonly name: string;
  /** Whether this driver can run here (e.g. no container engine), with the reason when not. */
  available(): Promise<{ ok: true } | { ok: false; reason: string }>;
  /** Whether it builds real L2 segments between separate hosts, as LVS scenarios (ScenarioPlan.lvs) need. */
  readonly forwardsPackets?: boolean;
  /** Starts backends, the balancer (rendered by the target from the placed scenario) and clients.
   *  On failure everything already started is stopped before the promise rejects. */
  start(spec: TopologySpec, options?: StartOptions): Promise<StartedTopology>;
}

/** A running topology. Disposing it stops everything it started, on every path. */
export interface StartedTopology extends AsyncDisposable {
  /** The scenario as placed: real listen and backend endpoints. */
  readonly scenario: Scenario;
  /** Where clients send traffic (the balancer's listen endpoint or VIP). */
  readonly entry: Endpoint;
  readonly clients: readonly ClientHost[];
  readonly backends: readonly BackendHost[];
  readonly balancer: BalancerHandle;
  /** The backend with this id; throws for an unknown id. */
  backend(id: string): BackendHost;
  /** Same as [Symbol.asyncDispose]; safe to call twice. */
  stop(): Promise<void>;
}

export interface BalancerHandle {
  /** Human-readable, e.g. "haproxy -f /tmp/x/haproxy.cfg (pid 123)". */
  readonly description: string;
  /** The last lines the balancer wrote on stdout/stderr. */
  logs(): string;
  /** Set once the balancer process has exited. */
  exited(): { code: number | null; signal: string | null } | undefined;
  stop(): Promise<void>;
}

/** A source of traffic with its own address. Every method is bounded by a timeout and never
 *  retries; failures come back as data (ExchangeFailure) so checks can count them. */
export interface ClientHost {
  /** The address this client sends from. */
  readonly address: string;
  /** One HTTP/1.1 request on a new connection (Connection: close). */
  http(request?: HttpRequest): Promise<HttpOutcome>;
  /** A keep-alive connection: many requests over one TCP connection. */
  httpSession(): Promise<HttpSession>;
  /** An HTTP request the backend holds open (agent's /hold path); resolves once the response
   *  headers name the backend, and stays in flight until closed. Rejects if no backend answers. */
  holdHttp(request?: HttpRequest): Promise<HeldExchange>;
  /** Connect, send one line, read the reply line, close. */
  tcp(line: string, options?: ExchangeOptions): Promise<StreamOutcome>;
  /** Connect and exchange one line, then keep the connection open until closed. */
  holdTcp(line?: string, options?: ExchangeOptions): Promise<HeldExchange>;
  /** Send one datagram and wait for one reply. */
  udp(payload: string, options?: ExchangeOptions): Promise<StreamOutcome>;
  /** One UDP flow: the payloads one after another from one socket (same source port), each
   *  waiting for its reply, which must come from the address sent to. Ends at the first failure. */
  udpFlow(payloads: readonly string[], options?: ExchangeOptions): Promise<StreamOutcome[]>;
  /** Bulk transfer through the balancer, checked by sha256: up is one POST /sha256 carrying upBytes
   *  of the agent's seeded byte stream, down is one GET /bytes?n=downBytes; each on a new connection,
   *  up first when both are asked. The bytes are generated, sent and hashed inside the client as
   *  they flow, never held whole. Any short read, reset or timeout makes the outcome an
   *  ExchangeFailure whose error starts with the direction ("down: received … of … bytes, then …"). */
  transfer(options: TransferOptions): Promise<TransferOutcome>;
  /** Raw bytes on a new TCP connection to the entry, for the security suite: write the pieces in
   *  order (waiting delayMs before each), optionally half-close, then read everything until the peer
   *  closes, the connection is reset, nothing arrives for quietMs, maxBytes arrived, or timeoutMs
   *  passed since connecting. Never retried; a failed connect is an ExchangeFailure, anything after
   *  it is a RawReply saying how it ended. */
  raw(exchange: RawExchange): Promise<RawOutcome>;
  /** HTTP/2 on one new connection to the entry: over TLS (SNI and ALPN h2 as asked, the certificate
   *  verified against the given CA) or cleartext h2c by prior knowledge; the requests go one after
   *  another, each on its own stream. Optional so that drivers can add it. */
  http2?(exchange: Http2Exchange): Promise<Http2Outcome>;
  /** A TLS handshake only, on a new connection: what the balancer showed for this SNI and ALPN
   *  offer (certificate, chosen protocol, TLS version, whether it verified). Optional. */
  tlsHandshake?(probe: TlsProbe): Promise<TlsOutcome>;
}

export interface ClientTls {
  /** SNI name sent, and the name the certificate is verified for. */
  servername: string;
  /** PEM of the CA to trust (the scenario's throwaway CA). */
  ca: string;
}

export interface Http2Exchange {
  /** Absent: cleartext h2c by prior knowledge. */
  tls?: ClientTls;
  requests: HttpRequest[];
  /** For the whole exchange, connecting included. Default 10 s. */
  timeoutMs?: number;
}

export interface Http2Reply {
  ok: true;
  /** One per request, in order; a stream that was reset or timed out is an ExchangeFailure. */
  responses: HttpOutcome[];
  /** SHA-256 fingerprint (AA:BB:…) of the certificate shown, under TLS. */
  certificate?: string;
  local: Endpoint;
  elapsedMs: number;
}

export type Http2Outcome = Http2Reply | ExchangeFailure;

export interface TlsProbe extends ClientTls {
  /** ALPN protocols offered, in order. */
  alpn: string[];
  /** After the handshake, send `GET <path> HTTP/1.1` (Connection: close) and read the reply head. */
  http1Path?: string;
  /** Default 5 s. */
  timeoutMs?: number;
}

export interface TlsReply {
  ok: true;
  /** The ALPN protocol the balancer chose, or false when it chose none. */
  alpn: string | false;
  /** SHA-256 fingerprint (AA:BB:…) of the certificate shown. */
  certificate: string;
  /** Its DNS names (subjectAltName). */
  names: string[];
  /** 'TLSv1.3', 'TLSv1.2' … */
  version: string;
  /** Whether it verified against the CA for servername; else the reason. */
  verified: true | string;
  /** With http1Path: the reply's status (0: no status line) and x-fulcrum-backend. */
  http1?: { status: number; backend: string | undefined };
  local: Endpoint;
  elapsedMs: number;
}

export type TlsOutcome = TlsReply | ExchangeFailure;

export interface RawExchange {
  /** Written in order; `data` is latin1 (one char per byte, so any byte and JSON-safe). */
  pieces: { data: string; delayMs?: number }[];
  /** Shut down the write side after the last piece (the peer sees end of stream). Default false. */
  halfClose?: boolean;
  /** For the whole exchange from connecting. Default 5 s. */
  timeoutMs?: number;
  /** End once this long passes with no bytes received after the last piece was written (and at
   *  least one byte came). Default: wait for close or timeoutMs. */
  quietMs?: number;
  /** Stop reading after this many bytes. Default 1 MiB. */
  maxBytes?: number;
}

export interface RawReply {
  ok: true;
  /** Everything received, latin1. */
  bytes: string;
  /** How reading ended: the peer closed (FIN), reset, quietMs passed, maxBytes, timeoutMs, or the
   *  write failed (the peer had closed before every piece was written). */
  end: 'closed' | 'reset' | 'quiet' | 'limit' | 'timeout' | 'write-failed';
  /** Bytes of the pieces actually written. */
  written: number;
  /** Milliseconds from connect to the first byte received; undefined when none came. */
  firstByteMs?: number;
  local: Endpoint;
  elapsedMs: number;
}

export type RawOutcome = RawReply | ExchangeFailure;

export interface ExchangeOptions {
  /** Default 5 s. */
  timeoutMs?: number;
  /** udp: send from this local port (several datagrams of one flow); default any free port. */
  sourcePort?: number;
}

export interface HttpRequest extends ExchangeOptions {
  method?: string;
  /** Default '/'. */
  path?: string;
  headers?: Record<string, string>;
  body?: string;
}

export interface HttpReply {
  ok: true;
  status: number;
  /** From the x-fulcrum-backend response header; undefined if the reply did not come from an agent. */
  backend: string | undefined;
  headers: Record<string, string>;
  body: string;
  /** The client's own end of the connection (address and ephemeral port). */
  local: Endpoint;
  elapsedMs: number;
}

export interface ExchangeFailure {
  ok: false;
  /** e.g. "ECONNREFUSED", "ECONNRESET", "timeout after 5000 ms". */
  error: string;
  local?: Endpoint;
  elapsedMs: number;
}

export type HttpOutcome = HttpReply | ExchangeFailure;

export interface StreamReply {
  ok: true;
  /** Backend id at the start of the reply line. */
  backend: string | undefined;
  reply: string;
  local: Endpoint;
  elapsedMs: number;
}

export type StreamOutcome = StreamReply | ExchangeFailure;

export interface TransferOptions {
  /** Bytes to upload (POST /sha256); omitted or 0: no upload. */
  upBytes?: number;
  /** Bytes to download (GET /bytes); omitted or 0: no download. At most 1 GiB (the agent's cap). */
  downBytes?: number;
  /** For the whole transfer, both directions together. Default 60 s. */
  timeoutMs?: number;
  /** Slow clients (security suite): for the first forMs of each leg, move at most chunkBytes every
   *  everyMs (upload: write, then wait; download: read that much from what arrived, the rest waits in
   *  the socket so the sender is held back by TCP flow control), then at full speed. */
  pace?: TransferPace;
}

export interface TransferPace {
  chunkBytes: number;
  everyMs: number;
  forMs: number;
}

export interface TransferReply {
  ok: true;
  /** x-fulcrum-backend of the download reply, or of the upload reply when there was no download. */
  backend: string | undefined;
  /** `bytes` as the backend counted them; `match`: as many as were sent, and the same sha256.
   *  `peer`: the address the backend saw the upload come from. */
  up?: { bytes: number; match: boolean; peer?: string };
  /** `bytes` as received; `match`: exactly downBytes, with the sha256 of the expected stream. A
   *  failed download whose bytes left the stream says so: "received … (not the stream from byte N)". */
  down?: { bytes: number; match: boolean };
  /** The client's end of the download connection (of the upload one when there was no download). */
  local: Endpoint;
  elapsedMs: number;
}

export type TransferOutcome = TransferReply | ExchangeFailure;

export interface HttpSession extends AsyncDisposable {
  request(request?: HttpRequest): Promise<HttpOutcome>;
  close(): Promise<void>;
}

/** Work held open on a backend (for least-connections checks). */
export interface HeldExchange extends AsyncDisposable {
  readonly backend: string | undefined;
  readonly local: Endpoint;
  /** HTTP holds: the token that BackendHost.release() takes. Undefined for TCP holds. */
  readonly token?: string;
  /** Resolves when the exchange has ended (the response completed, or the connection closed).
   *  Optional so that drivers can add it; checks fall back to close(). */
  ended?(): Promise<void>;
  /** Ends the exchange from the client side. Note: an HTTP balancer may not notice a client that
   *  goes away while it waits for the backend; to end held HTTP work as the balancer sees it,
   *  release it on the backend (BackendHost.release) and await ended(). */
  close(): Promise<void>;
}

/** A backend host running the agent. */
export interface BackendHost {
  readonly id: string;
  readonly endpoint: Endpoint;
  readonly weight: number;
  /** Whether the agent is running (false between stop() and start()). */
  readonly running: boolean;
  /** What the agent saw since it started or was last reset (health probes excluded). */
  records(): Promise<AgentRecord[]>;
  /** Records plus live counters. */
  snapshot(): Promise<AgentSnapshot>;
  reset(): Promise<void>;
  /** Finishes held HTTP requests (all, or the one with this token) so that their responses complete
   *  normally; resolves with how many were released (agent control: POST /release?token=…).
   *  Optional so that drivers can add it; without it least-connections checks can only close the
   *  client side, which HAProxy does not notice while it waits for the backend. */
  release?(token?: string): Promise<number>;
  /** Capture mode on or off (agent control POST /capture): the raw bytes of every connection to
   *  the agent are kept, bounded (protocol.ts); reset() clears them. Optional so drivers can add it. */
  setCapture?(on: boolean): Promise<void>;
  /** The connections captured since capture went on or the last reset. */
  captures?(): Promise<CaptureSnapshot>;
  /** Dies abruptly (SIGKILL / container kill): connections are reset, new ones refused. */
  stop(): Promise<void>;
  /** Comes back on the same address and port; resolves once it listens. */
  start(): Promise<void>;
}
