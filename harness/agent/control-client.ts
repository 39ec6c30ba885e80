// The harness side of the agent's control port (records, reset, release), shared by every driver's
// BackendHost: a driver only says where the control port is and whether the agent runs.
import type { AgentRecord, AgentSnapshot, CaptureSnapshot } from './protocol.ts';

export class AgentControlClient {
  constructor(
    private readonly id: string,
    /** "host:port" of the control endpoint, read at each call (a restarted agent may move). */
    private readonly controlAddress: () => string,
    private readonly running: () => boolean,
  ) {}

  private async call(path: string, method = 'GET'): Promise<unknown> {
    if (!this.running()) throw new Error(`backend ${this.id} is stopped`);
    const res = await fetch(`http://${this.controlAddress()}${path}`, { method, signal: AbortSignal.timeout(5000) });
    return res.json();
  }

  async snapshot(): Promise<AgentSnapshot> {
    return (await this.call('/records')) as AgentSnapshot;
  }

  async records(): Promise<AgentRecord[]> {
    return (await this.snapshot()).records;
  }

  async reset(): Promise<void> {
    await this.call('/reset', 'POST');
  }

  async release(token?: string): Promise<number> {
    const reply = (await this.call(`/release${token !== undefined ? `?token=${encodeURIComponent(token)}` : ''}`, 'POST')) as { released: number };
    return reply.released;
  }

  async setCapture(on: boolean): Promise<void> {
    await this.call(`/capture?on=${on ? 1 : 0}`, 'POST');
  }

  async captures(): Promise<CaptureSnapshot> {
    return (await this.call('/captures')) as CaptureSnapshot;
  }
}
