// A backend host on loopback: the agent as its own process, restartable on the same address.
import { spawnGroup, type SpawnedProcess } from './process.ts';
import type { AgentReady, AgentRecord, AgentSnapshot, CaptureSnapshot } from '../agent/protocol.ts';
import { AgentControlClient } from '../agent/control-client.ts';
import type { BackendHost } from '../topology.ts';
import type { Endpoint } from '../types.ts';

import { nodeCommand } from '../node-command.ts';
const AGENT_READY_TIMEOUT_MS = 15_000;

export class BackendStartError extends Error {
  readonly code = 'FULCRUM_ERR_BACKEND_START';
}

export class LocalBackend implements BackendHost {
  private readonly agent: AgentControlClient;
  private proc: SpawnedProcess | undefined;
  private port = 0;
  private controlPort = 0;

  private constructor(
    readonly id: string,
    readonly weight: number,
    private readonly host: string,
  ) {
    this.agent = new AgentControlClient(id, () => `${this.host}:${this.controlPort}`, () => this.running);
  }

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

  snapshot(): Promise<AgentSnapshot> {
    return this.agent.snapshot();
  }

  records(): Promise<AgentRecord[]> {
    return this.agent.records();
  }

  reset(): Promise<void> {
    return this.agent.reset();
  }

  release(token?: string): Promise<number> {
    return this.agent.release(token);
  }

  setCapture(on: boolean): Promise<void> {
    return this.agent.setCapture(on);
  }

  captures(): Promise<CaptureSnapshot> {
    return this.agent.captures();
  }
}
