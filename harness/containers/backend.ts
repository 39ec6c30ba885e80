// A backend host in a container: the same backend agent as the local driver's, started inside
// the container on its own address. stop() kills the agent (the container stays, so the kernel
// refuses new connections, as with a local process); start() brings it back on the same address.
import type { ContainerRuntimeClient } from 'testcontainers';
import type { AgentReady, AgentRecord, AgentSnapshot, CaptureSnapshot } from '../agent/protocol.ts';
import { AgentControlClient } from '../agent/control-client.ts';
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
  private readonly agent: AgentControlClient;
  private proc: RemoteProcess | undefined;

  constructor(
    readonly id: string,
    readonly weight: number,
    private readonly address: string,
    private readonly containerId: string,
    private readonly client: ContainerRuntimeClient,
    /** argv prefix that runs the agent's main.ts inside the container (node --import tsx …/main.ts). */
    private readonly agentCommand: string[],
    /** Where the agent listens; an LVS-DR/TUN real server must also accept on the VIP (0.0.0.0). */
    private readonly bindHost: string = address,
  ) {
    this.agent = new AgentControlClient(id, () => `${this.address}:${AGENT_CONTROL_PORT}`, () => this.running);
  }

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
    const argv = [...this.agentCommand, '--id', this.id, '--host', this.bindHost, '--port', String(BACKEND_PORT), '--control-port', String(AGENT_CONTROL_PORT)];
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
