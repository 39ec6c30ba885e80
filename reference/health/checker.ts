// Runs active health checks for every backend of a pool on a timer, feeds results to the state
// machine, and turns transitions into pool usability plus one log line. I/O lives here; the
// decisions live in state.ts.
import type { HealthConfig } from '../config/schema.ts';
import type { Pool } from '../pool/index.ts';
import { describeTransition, HealthState } from './state.ts';
import { httpProbe, tcpProbe, type ProbeResult, type ProbeTarget } from './probes.ts';

export type Probe = (target: ProbeTarget) => Promise<ProbeResult>;

export function probeFor(config: HealthConfig): Probe {
  return config.type === 'tcp'
    ? (t) => tcpProbe(t, config.timeout)
    : (t) => httpProbe(t, config.path, config.timeout);
}

export interface HealthCheckerOptions {
  readonly listener: string;
  readonly pool: Pool;
  readonly config: HealthConfig;
  readonly log: (line: string) => void;
  /** Injected for tests; defaults to the configured tcp/http probe. */
  readonly probe?: Probe;
}

export class HealthChecker {
  private readonly states = new Map<string, HealthState>();
  private readonly timers = new Set<NodeJS.Timeout>();
  private readonly inFlight = new Set<Promise<void>>();
  private stopped = false;
  private readonly probe: Probe;

  constructor(private readonly options: HealthCheckerOptions) {
    this.probe = options.probe ?? probeFor(options.config);
  }

  start(): void {
    // First check at once, so a backend that is down at start leaves the rotation after `fall` intervals.
    for (const b of this.options.pool.backends) this.schedule(b.id, 0);
  }

  /** Stops scheduling and waits for checks in flight (each bounded by the timeout). */
  async stop(): Promise<void> {
    this.stopped = true;
    for (const t of this.timers) clearTimeout(t);
    this.timers.clear();
    await Promise.all([...this.inFlight]);
  }

  private schedule(id: string, delayMs: number): void {
    if (this.stopped) return;
    const timer = setTimeout(() => {
      this.timers.delete(timer);
      const started = Date.now();
      const check = this.checkOnce(id).finally(() => {
        this.inFlight.delete(check);
        this.schedule(id, Math.max(0, this.options.config.interval - (Date.now() - started)));
      });
      this.inFlight.add(check);
    }, delayMs);
    this.timers.add(timer);
  }

  private async checkOnce(id: string): Promise<void> {
    const { pool, config, listener, log } = this.options;
    const backend = pool.get(id);
    if (backend === undefined) return;
    const result = await this.probe(backend);
    if (this.stopped) return;
    backend.lastCheck = { ok: result.ok, at: Date.now(), detail: result.detail };
    let state = this.states.get(id);
    if (state === undefined) {
      state = new HealthState(config);
      this.states.set(id, state);
    }
    const transition = state.record(result.ok);
    if (transition === undefined) return;
    pool.setHealthy(id, transition === 'up');
    const count = transition === 'up' ? state.successes : state.failures;
    log(describeTransition(listener, id, transition, count, result.detail));
  }
}
