// The engine's control plane (IPVS's ip_vs_ctl): the services and their real servers, built from config
// and changed at runtime by health checks and the admin channel (ipvsadm -a/-e/-d). Schedulers come from
// createScheduler (wrappers included) and hash keys from reference/keys, as for the L4 and L7 proxies.
import { createScheduler, schedulerFactory, SchedulerOptionError } from '../algorithms/index.ts';
import { keyExtractorFor } from '../keys/index.ts';
import { backendIssues, type LvsBackendConfig, type LvsConfig, type LvsServiceConfig } from '../config/lvs.ts';
import type { ConnTable } from './conntrack.ts';
import type { Neighbours } from './neighbours.ts';
import { encapsulationOverhead } from './packet/encap.ts';
import { formatMac } from './packet/ethernet.ts';
import { PROTO_TCP, PROTO_UDP, formatIPv4, prefixMask } from './packet/ipv4.ts';
import {
  DuplicateServerError,
  InvalidServerError,
  RealServer,
  UnknownServerError,
  UnknownServiceError,
  serverAddress,
  type PutResult,
  type RemoveResult,
  type ServerChange,
  type ServerView,
  type Service,
  type ServiceView,
} from './service.ts';

export class Control {
  readonly services: Service[] = [];
  readonly byVip = new Map<number, Service[]>();
  /** Every real server ever added, by index (the conntrack table stores indices). */
  readonly servers: (RealServer | undefined)[] = [];
  /** Servers added at runtime whose MAC is not known yet. */
  private readonly pending = new Set<RealServer>();

  constructor(
    private readonly config: LvsConfig,
    private readonly conntrack: ConnTable,
    private readonly neighbours: Neighbours,
    now: () => number,
  ) {
    for (const sc of config.services) this.addService(sc, now);
  }

  /** Addresses the BPF filter must let through: VIPs as destinations, NAT real servers as sources. */
  filterAddresses(): { destinations: number[]; sources: number[] } {
    const destinations = [...new Set(this.services.map((s) => s.config.vip))];
    const sources = [...new Set(this.services.filter((s) => s.config.mode === 'nat').flatMap((s) => s.servers.map((r) => r.ip)))];
    return { destinations, sources };
  }

  /** The health checks' verdict: an unhealthy server gets no new flows; its flows continue. */
  setUsable(service: string, id: string, usable: boolean): void {
    const { svc, server } = this.lookupServer(service, id);
    server.healthy = usable;
    this.refresh(svc, server);
  }

  /** Weight 0 quiesces: existing flows continue, no new ones. */
  setWeight(service: string, id: string, weight: number): void {
    const { svc, server } = this.lookupServer(service, id);
    server.weight = weight;
    svc.scheduler.update(svc.servers);
  }

  /** Adds a real server. Until its MAC is known (resolveNeighbours asks) it gets no flows. */
  addServer(service: string, backend: LvsBackendConfig): RealServer {
    const svc = this.lookupService(service);
    if (svc.servers.some((s) => s.id === backend.id)) throw new DuplicateServerError(service, backend.id);
    const issue = backendIssues(svc.config, backend)[0];
    if (issue) throw new InvalidServerError(issue.field, issue.message);
    const server = this.newServer(backend);
    if (this.neighbours.get(server.ip) === undefined) {
      server.resolved = false;
      server.usable = false;
      this.pending.add(server);
    }
    svc.servers.push(server);
    svc.scheduler.update(svc.servers);
    return server;
  }

  /**
   * PUT semantics: adds the server when the service has none with this id (address required), otherwise
   * sets its weight (an address, if given, must be the one it has: a server does not move; remove and add).
   */
  putServer(service: string, id: string, change: ServerChange): PutResult {
    const svc = this.lookupService(service);
    const existing = svc.servers.find((s) => s.id === id);
    if (!existing) {
      if (change.address === undefined) throw new InvalidServerError('address', 'is required to add a real server');
      const server = this.addServer(service, { id, address: change.address, weight: change.weight });
      return { added: true, previousWeight: undefined, server: this.viewOf(svc, server) };
    }
    if (change.address !== undefined && (change.address.ip !== existing.ip || (change.address.port ?? 0) !== existing.port)) {
      const now = serverAddress(existing.ip, existing.port);
      throw new InvalidServerError('address', `real server "${id}" is ${now}; to move it, remove it and add it again`);
    }
    const previousWeight = existing.weight;
    this.setWeight(service, id, change.weight);
    return { added: false, previousWeight, server: this.viewOf(svc, existing) };
  }

  /** Removes a real server: its flows are expired now, or rescheduled on their next packet (conntrack.removedServer). */
  removeServer(service: string, id: string): RemoveResult {
    const { svc, server } = this.lookupServer(service, id);
    server.removed = true;
    server.usable = false;
    this.pending.delete(server);
    svc.servers = svc.servers.filter((s) => s !== server);
    svc.scheduler.update(svc.servers);
    for (const [key, t] of svc.templates) if (t.server === server) svc.templates.delete(key);
    if (!this.services.some((s) => s.servers.some((r) => r.ip === server.ip))) this.neighbours.unwant(server.ip);
    const policy = this.config.conntrack.removedServer;
    if (policy === 'reschedule') return { policy, flows: server.active };
    const flows = this.conntrack.flowsOf(server.index);
    for (const e of flows) this.conntrack.remove(e);
    return { policy, flows: flows.length };
  }

  serverList(service: string): readonly RealServer[] {
    return this.services.find((s) => s.config.name === service)?.servers ?? [];
  }

  /** Every service with its current real servers (GET /services). */
  describe(): ServiceView[] {
    return this.services.map((svc) => {
      const c = svc.config;
      return { name: c.name, mode: c.mode, vip: formatIPv4(c.vip), port: c.port, protocol: c.protocol, algorithm: c.algorithm, backends: svc.servers.map((r) => this.viewOf(svc, r)) };
    });
  }

  /** Servers added at runtime become usable once their MAC is known. */
  promoteResolved(): void {
    if (this.pending.size === 0) return;
    for (const server of this.pending) {
      if (this.neighbours.get(server.ip) === undefined) continue;
      this.pending.delete(server);
      server.resolved = true;
      const svc = this.services.find((s) => s.servers.includes(server));
      if (svc) this.refresh(svc, server);
    }
  }

  /** Expires persistence templates. */
  sweepTemplates(now: number): void {
    for (const svc of this.services) for (const [key, t] of svc.templates) if (t.expires <= now) svc.templates.delete(key);
  }

  /** NAT and TUN real servers sit behind the inside link, DR ones on the outside segment. */
  isInside(ip: number): boolean {
    return this.services.some((s) => s.config.mode !== 'dr' && s.servers.some((r) => r.ip === ip));
  }

  private addService(sc: LvsServiceConfig, now: () => number): void {
    const name = sc.algorithm.name;
    const factory = schedulerFactory(name);
    // The config schema rejects these; a hand-built config reaching here gets the same field-naming message.
    if (!factory) throw new TypeError(`services.${sc.name}.algorithm: unknown algorithm "${name}"`);
    let scheduler;
    try {
      scheduler = createScheduler(sc.algorithm, { now });
    } catch (err) {
      if (err instanceof SchedulerOptionError) throw new TypeError(`services.${sc.name}.algorithm.${err.option}: ${err.message}`);
      throw err;
    }
    const svc: Service = {
      config: sc,
      protocol: sc.protocol === 'tcp' ? PROTO_TCP : sc.protocol === 'udp' ? PROTO_UDP : 0,
      scheduler,
      key: factory.needsKey ? keyExtractorFor(name, { from: sc.key }) : undefined,
      servers: [],
      persistMask: sc.persistence ? prefixMask(sc.persistence.netmask) : 0,
      templates: new Map(),
      overhead: encapsulationOverhead(sc.tunnel.encapsulation),
    };
    for (const b of sc.backends) svc.servers.push(this.newServer(b));
    svc.scheduler.update(svc.servers);
    this.services.push(svc);
    const list = this.byVip.get(sc.vip) ?? [];
    list.push(svc);
    this.byVip.set(sc.vip, list);
  }

  private newServer(b: LvsBackendConfig): RealServer {
    const index = this.servers.length;
    if (index >= 65_535) throw new RangeError('too many real servers (65535 over the engine lifetime)');
    const server = new RealServer(b.id, index, b.address.ip, b.address.port ?? 0, b.weight, this.conntrack);
    this.servers.push(server);
    this.neighbours.want(b.address.ip);
    return server;
  }

  private lookupService(service: string): Service {
    const svc = this.services.find((s) => s.config.name === service);
    if (!svc) throw new UnknownServiceError(service);
    return svc;
  }

  private lookupServer(service: string, id: string): { svc: Service; server: RealServer } {
    const svc = this.lookupService(service);
    const server = svc.servers.find((s) => s.id === id);
    if (!server) throw new UnknownServerError(service, id);
    return { svc, server };
  }

  private refresh(svc: Service, server: RealServer): void {
    server.usable = server.healthy && server.resolved && !server.removed;
    svc.scheduler.update(svc.servers);
  }

  private viewOf(svc: Service, r: RealServer): ServerView {
    const mac = this.neighbours.get(r.ip);
    return {
      id: r.id,
      address: serverAddress(r.ip, r.port),
      weight: r.weight,
      usable: r.usable,
      ...(svc.config.health ? { health: r.healthy ? ('up' as const) : ('down' as const) } : {}),
      mac: mac ? formatMac(mac) : null,
      activeFlows: r.active,
      totalFlows: r.scheduled,
    };
  }
}
