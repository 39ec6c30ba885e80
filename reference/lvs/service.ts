// What the engine balances: services (a VIP, port and protocol with a scheduler) and their real servers,
// the views the admin channel shows of them, and the errors a change to them can raise.
import type { BackendView, Scheduler } from '../algorithms/index.ts';
import type { KeyExtractor } from '../keys/index.ts';
import type { LvsBackendConfig, LvsServiceConfig } from '../config/lvs.ts';
import type { ConnTable } from './conntrack.ts';
import { formatIPv4 } from './packet/ipv4.ts';

/** A real server as the scheduler sees it (BackendView) plus where it is. */
export class RealServer implements BackendView {
  weight: number;
  /** What schedulers read: healthy, MAC known and not removed (the engine keeps it in step). */
  usable = true;
  /** The health checks' verdict (health.ts); true without health checks. */
  healthy = true;
  /** False for a server added at runtime until its MAC is known: no new flows before. */
  resolved = true;
  removed = false;
  /** Flows scheduled (or rescheduled) to this server since it was added. */
  scheduled = 0;
  constructor(
    readonly id: string,
    readonly index: number,
    readonly ip: number,
    readonly port: number,
    weight: number,
    private readonly table: ConnTable,
  ) {
    this.weight = weight;
  }
  get active(): number {
    return this.table.perServer[this.index]!;
  }
}

export interface Service {
  readonly config: LvsServiceConfig;
  readonly protocol: number; // 0: any
  /** From createScheduler: the algorithm with its wrappers (bounded load, slow start, avoid-on-retry). */
  readonly scheduler: Scheduler;
  /** From reference/keys, for hashing schedulers only. */
  readonly key: KeyExtractor | undefined;
  servers: RealServer[];
  readonly persistMask: number;
  readonly templates: Map<string, { server: RealServer; expires: number }>;
  /** Bytes a tunnel header adds (TUN). */
  readonly overhead: number;
}

/** The new state of a real server for PUT (admin channel): address only when adding it. */
export interface ServerChange {
  address?: LvsBackendConfig['address'] | undefined;
  weight: number;
}

export interface PutResult {
  added: boolean;
  /** The weight before a change (undefined when added). */
  previousWeight: number | undefined;
  server: ServerView;
}

export interface RemoveResult {
  /** conntrack.removedServer */
  policy: 'expire' | 'reschedule';
  /** Flows expired now (expire) or left to be moved on their next packet (reschedule). */
  flows: number;
}

/** A real server as the admin channel shows it. */
export interface ServerView {
  id: string;
  /** "198.19.2.11" or, with a port (NAT), "198.19.2.11:8080". */
  address: string;
  weight: number;
  /** May take new flows: healthy, MAC known, not removed (weight 0 still counts as usable: quiesced). */
  usable: boolean;
  /** Only for services with health checks. */
  health?: 'up' | 'down';
  /** null until the balancer knows it; a server added at runtime gets no flows before. */
  mac: string | null;
  /** Flows in the table now (any state): what lc/wlc read as `active`. */
  activeFlows: number;
  /** Flows scheduled or rescheduled to it since it was added. */
  totalFlows: number;
}

export interface ServiceView {
  name: string;
  mode: LvsServiceConfig['mode'];
  vip: string;
  port: number;
  protocol: LvsServiceConfig['protocol'];
  algorithm: LvsServiceConfig['algorithm'];
  backends: ServerView[];
}

export function serverAddress(ip: number, port: number): string {
  return port ? `${formatIPv4(ip)}:${port}` : formatIPv4(ip);
}

export class UnknownServerError extends Error {
  readonly code = 'FULCRUM_ERR_LVS_UNKNOWN_SERVER';
  constructor(service: string, id: string) {
    super(`service "${service}" has no real server "${id}"`);
    this.name = 'UnknownServerError';
  }
}

export class UnknownServiceError extends Error {
  readonly code = 'FULCRUM_ERR_LVS_UNKNOWN_SERVICE';
  constructor(service: string) {
    super(`no service "${service}"`);
    this.name = 'UnknownServiceError';
  }
}

/** A real server that does not fit its service (or a PUT that cannot apply); `field` names the culprit. */
export class InvalidServerError extends Error {
  readonly code = 'FULCRUM_ERR_LVS_INVALID_SERVER';
  constructor(
    readonly field: string,
    readonly problem: string,
  ) {
    super(`${field}: ${problem}`);
    this.name = 'InvalidServerError';
  }
}

export class DuplicateServerError extends Error {
  readonly code = 'FULCRUM_ERR_LVS_DUPLICATE_SERVER';
  constructor(service: string, id: string) {
    super(`service "${service}" already has a real server "${id}"`);
    this.name = 'DuplicateServerError';
  }
}
