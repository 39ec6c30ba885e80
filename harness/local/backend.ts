// A backend host on loopback: the agent as its own process, restartable on the same address.
import { spawnGroup, type SpawnedProcess } from './process.ts';
import type { AgentReady, AgentRecord, AgentSnapshot } from '../agent/protocol.ts';
import type { BackendHost } from '../topology.ts';
import type { Endpoint } from '../types.ts';

import { nodeCommand } from '../node-command.ts';
const AGENT_READY_TIMEOUT_MS = 15_000;

export class BackendStartError extends Error {
  readonly code = 'FULCRUM_ERR_BACKEND_START';
}

export class LocalBackend implements BackendHost {
  private proc: SpawnedProcess | undefined;
  private port = 0;
  private controlPort = 0;

  private constructor(
    readonly id: string,
    readonly weight: number,
    private readonly host: string,
  ) {}

  /** port 0: any free port. */
  static async start(id: string, weight: number, host: string, port = 0): Promise<LocalBackend> {
    const backend = new LocalBackend(id, weight, host);
    backend.port = port;
    await backend.start();
    return backend;
  }

  get endpoint(): Endpoint {
    return { host: this.host, port: this.port };
  }

  get running(): boolean {
    return this.proc !== undefined && this.proc.exited() === undefined;
  }

  async start(): Promise<void> {
    if (this.running) return;
    let resolveReady!: (r: AgentReady) => void;
    const ready = new Promise<AgentReady>((r) => (resolveReady = r));
    const proc = await spawnGroup(
      [...(await nodeCommand('harness/agent/main.ts')), '--id', this.id, '--host', this.host, '--port', String(this.port), '--control-port', String(this.controlPort), '--exit-with-stdin'],
      {
        label: `backend ${this.id}`,
        onStdoutLine: (line) => {
          if (line.startsWith('{"ready":true')) resolveReady(JSON.parse(line) as AgentReady);
        },
      },
    );
    this.proc = proc;
    let timer: NodeJS.Timeout | undefined;
    const outcome = await Promise.race([
      ready,
      proc.whenExited().then((e) => `exited (code ${e.code}, signal ${e.signal})`),
      new Promise<string>((r) => (timer = setTimeout(() => r(`not ready within ${AGENT_READY_TIMEOUT_MS} ms`), AGENT_READY_TIMEOUT_MS))),
    ]);
    clearTimeout(timer);
    if (typeof outcome === 'string') {
      await proc.kill(0);
      throw new BackendStartError(`backend ${this.id} on ${this.host}:${this.port}: agent ${outcome}\n${proc.logs()}`);
    }
    this.port = outcome.port;
    this.controlPort = outcome.controlPort;
  }

  async stop(): Promise<void> {
    await this.proc?.kill(0);
  }

  private async control(path: string, method = 'GET'): Promise<unknown> {
    if (!this.running) throw new Error(`backend ${this.id} is stopped`);
    const res = await fetch(`http://${this.host}:${this.controlPort}${path}`, { method, signal: AbortSignal.timeout(5000) });
    return res.json();
  }

  async snapshot(): Promise<AgentSnapshot> {
    return (await this.control('/records')) as AgentSnapshot;
  }

  async records(): Promise<AgentRecord[]> {
    return (await this.snapshot()).records;
  }

  async reset(): Promise<void> {
    await this.control('/reset', 'POST');
  }

  async release(token?: string): Promise<number> {
    const reply = (await this.control(`/release${token !== undefined ? `?token=${encodeURIComponent(token)}` : ''}`, 'POST')) as { released: number };
    return reply.released;
  }
}
