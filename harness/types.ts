// The shapes that join scenarios, targets, topologies and checks.
// A check never knows which balancer it tests; a target never knows which checks exist.

/** What a target claims it can do. Checks list the capabilities they need; a check whose
 *  needs are not all claimed is skipped with the missing ones as its reason. Known values:
 *  modes      'http' | 'tcp' | 'udp'
 *  algorithms 'algorithm:<name>' with our config string (rr, wrr, lc, random, …)
 *  headers    'xff' (X-Forwarded-For), 'forwarded' (RFC 7239), 'xfp' (X-Forwarded-Proto)
 *  proxy      'proxy-protocol:v1', 'proxy-protocol:v2'
 *  health     'health:tcp', 'health:http' (active checks)
 *  protocols  'tls' (terminates TLS with the scenario's certificates, SNI picks one, ALPN offers
 *             h2 and http/1.1), 'http2' (HTTP/2 from clients over TLS), 'h2c' (cleartext HTTP/2 by
 *             prior knowledge on the listen port)
 *  more are added by later suites (e.g. 'lvs:nat'); unknown strings are allowed. */
export type Capability = string;

export interface Endpoint {
  host: string;
  port: number;
}

export interface ScenarioBackend extends Endpoint {
  id: string;
  weight: number;
}

export interface ScenarioHealth {
  type: 'tcp' | 'http';
  path: string;
  intervalMs: number;
  timeoutMs: number;
  rise: number;
  fall: number;
}

/** A packet-forwarding (LVS) service instead of a terminating proxy: the balancer rewrites packets
 *  and the backends are real servers. Needs a driver that builds real L2 segments (containers). */
export interface LvsPlan {
  mode: 'nat' | 'dr' | 'tun';
  /** TUN only; default ipip. */
  encapsulation?: 'ipip' | 'gre';
}

/** An LVS service as the driver placed it. */
export interface LvsPlacement extends LvsPlan {
  /** The virtual IP: an address on the client-facing segment that no host's kernel owns. */
  vip: string;
  /** The balancer's interface names: outside faces the clients (NAT) or the shared segment (DR/TUN); inside faces the real servers (NAT). */
  interfaces: { outside: string; inside?: string };
}

/** What a check asks of the balancer under test. Targets render their own config from it. */
export interface Scenario {
  mode: 'http' | 'tcp' | 'udp';
  /** Our config string plus options, e.g. { name: 'wrr' } or { name: 'ring', size: 1024 }. */
  algorithm: { name: string } & Record<string, unknown>;
  /** Hash key source for hashing algorithms (same vocabulary as the reference config's `key`). */
  key?: { from: string; name?: string };
  listen: Endpoint;
  /** Where the balancer's admin/stats endpoint listens, if the target has one. */
  admin?: Endpoint;
  backends: ScenarioBackend[];
  health?: ScenarioHealth;
  proxyProtocol?: 'v1' | 'v2';
  /** Set for LVS scenarios: listen is VIP:port, backends are the real servers (in DR/TUN on the listen port). */
  lvs?: LvsPlacement;
  /** 'bench' when `fulcrum bench` starts the balancer: target files render their bench profile. */
  profile?: 'bench';
  /** Timeouts the balancer must apply (http), in ms; unset ones are the target's own defaults.
   *  Targets claim 'timeout:header', 'timeout:response', 'timeout:idle' for the ones they render. */
  timeouts?: ScenarioTimeouts;
  /** Client connections the balancer accepts at once (claimed as 'limit:connections'). */
  maxConnections?: number;
  /** The balancer process's open-file limit (soft and hard): drivers start its command under
   *  `prlimit --nofile=N:N` (the resource-exhaustion checks). */
  fdLimit?: number;
  /** Terminate TLS on the listen port (http mode; claimed as 'tls'). */
  tls?: ScenarioTls;
  /** Accept HTTP/2 from clients: over TLS by ALPN when tls is set (claimed as 'http2'), else h2c by
   *  prior knowledge (claimed as 'h2c'). Backends stay HTTP/1.1. */
  http2?: boolean;
}

export interface ScenarioTimeouts {
  /** A request head not complete this long after its first byte: 408 or close (slowloris). */
  headerMs?: number;
  /** Waiting for the backend's response head, counted from when the request was sent in full. */
  responseMs?: number;
  /** No bytes either way for this long on a client connection (a stalled body, keep-alive). */
  idleMs?: number;
}

/** TLS termination a check asks for: certificates (PEM) made by the harness's throwaway CA, the
 *  first the default, each for its DNS names, picked by the client's SNI. */
export interface ScenarioTls {
  /** The CA certificate (PEM) the leaves chain to: what clients verify against. */
  ca: string;
  certificates: { names: string[]; cert: string; key: string }[];
}

/** What a target hands to a driver: files to write and the command that runs the balancer. */
export interface TargetLaunch {
  /** Files relative to a fresh working directory the driver creates. */
  files: { path: string; content: string }[];
  /** argv; '{{dir}}' in any element (and in file contents) is replaced with that working directory. */
  command: string[];
  env?: Record<string, string>;
  /** The balancer is up when this endpoint accepts TCP (for udp: the admin endpoint or a fixed delay). */
  readyWhen?: { tcp: Endpoint } | { delayMs: number };
}

export interface Target {
  readonly name: string;
  readonly capabilities: readonly Capability[];
  /** Version string of the balancer, for the results' environment (may run `haproxy -v` etc.). */
  version(): Promise<string | undefined>;
  /** Whether the target can run here, with the reason when it cannot (e.g. haproxy not installed). */
  available(): Promise<{ ok: true } | { ok: false; reason: string }>;
  render(scenario: Scenario): TargetLaunch;
  /** LVS scenarios: how the hosts around the balancer must be set up for this data plane. */
  readonly lvsHosts?: LvsHostSetup;
}

export interface LvsHostSetup {
  /** The balancer's kernel forwards (kernel NAT such as nftables DNAT); default off, as a packet engine needs. */
  balancerForwards?: boolean;
  /** DR/TUN real servers keep ARP for the VIP suppressed (arp_ignore/arp_announce); default true. */
  realServerArpSuppression?: boolean;
}

export type Verdict =
  | { status: 'pass'; evidence?: unknown; metrics?: Record<string, number> }
  | { status: 'fail'; reason: string; evidence?: unknown; metrics?: Record<string, number> }
  | { status: 'skip'; reason: string };

/** A scenario before a driver has placed it: everything but addresses. The driver picks the
 *  balancer's listen endpoint and the backends' endpoints, then hands the full Scenario to the target. */
export interface ScenarioPlan {
  mode: Scenario['mode'];
  algorithm: Scenario['algorithm'];
  key?: Scenario['key'];
  backends: { id: string; weight: number }[];
  health?: ScenarioHealth;
  proxyProtocol?: Scenario['proxyProtocol'];
  /** Ask the driver for an admin endpoint (targets that have one render it). */
  admin?: boolean;
  /** A packet-forwarding service (mode is then tcp or udp, the forwarded protocol). */
  lvs?: LvsPlan;
  profile?: Scenario['profile'];
  timeouts?: Scenario['timeouts'];
  maxConnections?: Scenario['maxConnections'];
  fdLimit?: Scenario['fdLimit'];
  tls?: Scenario['tls'];
  http2?: Scenario['http2'];
}

/** What a check's run() gets: the started topology and what the target claims. Checks drive
 *  traffic only through topology.clients and read backends only through topology.backends. */
export interface CheckContext {
  readonly topology: import('./topology.ts').StartedTopology;
  readonly capabilities: readonly Capability[];
  /** Progress detail for a person (stderr in the CLI). */
  log(line: string): void;
}

/** A conformance check: data (id, needs, scenario) plus one function that returns a verdict.
 *  No retries: a check passes, fails with evidence, or is skipped with a reason. */
export interface Check {
  /** Stable dotted id, "<concern>.<name>", e.g. "distribution.rr". */
  readonly id: string;
  readonly title: string;
  /** Capabilities the target must claim; otherwise the check is skipped naming the missing ones. */
  readonly requires: readonly Capability[];
  /** For statistical checks: the designed probability that a correct balancer fails (≤ 1e-4). */
  readonly falseFailureProbability?: number;
  /** How the verdict is decided, with the bounds it uses (for a person reading the report). */
  readonly notes?: string;
  /** The scenario this check needs, derived from the base (3 backends b1..b3, weight 1, http, rr). */
  scenario(base: ScenarioPlan): ScenarioPlan;
  /** Client hosts (distinct source addresses) the check needs; default 1. */
  readonly clients?: number;
  /** The check leaves the topology as it found it (no backend stopped, no weight changed, no
   *  traffic left running), so a following check with an equal scenario that also shares may run on
   *  it instead of starting its own. Only for checks whose evidence is deltas or resets. */
  readonly sharesTopology?: boolean;
  run(ctx: CheckContext): Promise<Verdict>;
}
