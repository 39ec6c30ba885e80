// A backend host in a container: the same backend agent as the local driver's, started inside
// the container on its own address. stop() kills the agent (the container stays, so the kernel
// refuses new connections, as with a local process); start() brings it back on the same address.
import type { ContainerRuntimeClient } from 'testcontainers';
import type { AgentReady, AgentRecord, AgentSnapshot } from '../agent/protocol.ts';
import type { BackendHost } from '../topology.ts';
import type { Endpoint } from '../types.ts';
import { startRemoteProcess, type RemoteProcess } from './remote-process.ts';

export const BACKEND_PORT = 8080;
export const AGENT_CONTROL_PORT = 9090;
// Bounds on start-up, not on any check: generous, because a shared 2-core machine can be very busy.
const AGENT_READY_TIMEOUT_MS = 60_000;

export class ContainerBackendError extends Error {
  readonly code = 'FULCRUM_ERR_BACKEND_START';
}

export class ContainerBackend implements BackendHost {
  private proc: RemoteProcess | undefined;

  constructor(
    readonly id: string,
    readonly weight: number,
    private readonly address: string,
    private readonly containerId: string,
    private readonly client: ContainerRuntimeClient,
    /** argv prefix that runs the agent's main.ts inside the container (node --import tsx …/main.ts). */
    private readonly agentCommand: string[],
  ) {}

  get endpoint(): Endpoint {
    return { host: this.address, port: BACKEND_PORT };
  }

  get running(): boolean {
    return this.proc !== undefined && this.proc.exited() === undefined;
  }

  async start(): Promise<void> {
    if (this.running) return;
    let resolveReady!: (r: AgentReady) => void;
    const ready = new Promise<AgentReady>((r) => (resolveReady = r));
    const argv = [...this.agentCommand, '--id', this.id, '--host', this.address, '--port', String(BACKEND_PORT), '--control-port', String(AGENT_CONTROL_PORT)];
    const proc = await startRemoteProcess(this.client, this.containerId, argv, {
      label: `backend ${this.id}`,
      onStdoutLine: (line) => {
        if (line.startsWith('{"ready":true')) resolveReady(JSON.parse(line) as AgentReady);
      },
    });
    this.proc = proc;
    let timer: NodeJS.Timeout | undefined;
    const outcome = await Promise.race([
      ready,
      proc.whenExited().then((e) => `exited (code ${e.code})`),
      new Promise<string>((r) => (timer = setTimeout(() => r(`not ready within ${AGENT_READY_TIMEOUT_MS} ms`), AGENT_READY_TIMEOUT_MS))),
    ]);
    clearTimeout(timer);
    if (typeof outcome === 'string') {
      await proc.kill(0);
      throw new ContainerBackendError(`backend ${this.id} on ${this.address}:${BACKEND_PORT}: agent ${outcome}\n${proc.logs()}`);
    }
  }

  async stop(): Promise<void> {
    await this.proc?.kill(0);
  }

  logs(): string {
    return this.proc?.logs() ?? '';
  }

  private async control(path: string, method = 'GET'): Promise<unknown> {
    if (!this.running) throw new Error(`backend ${this.id} is stopped`);
    const res = await fetch(`http://${this.address}:${AGENT_CONTROL_PORT}${path}`, { method, signal: AbortSignal.timeout(5000) });
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
