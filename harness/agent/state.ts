// What the agent knows at run time, shared by its HTTP, TCP, UDP and control parts.
import type { Socket } from 'node:net';
import { CaptureStore } from './capture.ts';
import type { AddressPort, AgentRecord, AgentSnapshot, ProxyHeaderRecord } from './protocol.ts';

const RECORD_LIMIT = 100_000;

export function plainAddress(address: string | undefined): string {
  return (address ?? '').replace(/^::ffff:/, '');
}

export function peerOf(socket: Socket): AddressPort {
  return { address: plainAddress(socket.remoteAddress), port: socket.remotePort ?? 0 };
}

export class AgentState {
  readonly records: AgentRecord[] = [];
  readonly active = { http: 0, tcp: 0 };
  readonly served = { http: 0, tcp: 0, udp: 0 };
  probes = 0;
  /** The PROXY header that arrived on a socket before HTTP. */
  readonly proxyOf = new WeakMap<Socket, ProxyHeaderRecord>();
  readonly sockets = new Set<Socket>();
  /** Held HTTP requests: their release function and token. */
  readonly holds = new Map<() => void, string>();
  readonly captures = new CaptureStore();

  constructor(readonly id: string) {}

  record(r: AgentRecord): void {
    this.served[r.protocol]++;
    if (this.records.length < RECORD_LIMIT) this.records.push(r);
  }

  reset(): void {
    this.records.length = 0;
    this.served.http = this.served.tcp = this.served.udp = 0;
    this.probes = 0;
    this.captures.clear();
  }

  snapshot(): AgentSnapshot {
    return { id: this.id, records: [...this.records], active: { ...this.active }, served: { ...this.served }, probes: this.probes };
  }
}
