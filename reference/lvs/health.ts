// Active health checks for LVS real servers, reusing the reference's probes and rise/fall state machine
// (reference/health) against each real server's own address: a server that fails `fall` checks stops
// getting new flows (its existing flows continue), and comes back after `rise` successes. Each round probes
// the servers the engine has then, so servers added at runtime are checked from the next round on (starting
// UP, like the configured ones) and removed ones are no longer checked.
import { HealthState, describeTransition, probeFor, type Probe } from '../health/index.ts';
import type { LvsServiceConfig } from '../config/lvs.ts';
import type { RealServer } from './engine.ts';
import { formatIPv4 } from './packet/ipv4.ts';

export interface HealthTarget {
  setUsable(service: string, id: string, usable: boolean): void;
  serverList(service: string): readonly RealServer[];
}

export class LvsHealth {
  /** Per server object: a server removed and added again under the same id starts afresh. */
  private readonly states = new WeakMap<RealServer, HealthState>();
  private readonly timers = new Set<NodeJS.Timeout>();
  private stopped = false;

  constructor(
    private readonly engine: HealthTarget,
    private readonly services: readonly LvsServiceConfig[],
    private readonly log: (line: string) => void,
    /** Injected for tests; defaults to the service's tcp/http probe. */
    private readonly probe?: (service: LvsServiceConfig) => Probe,
  ) {}

  /** Checks every real server of every service with `health` once, in parallel. */
  async round(): Promise<void> {
    await Promise.all(this.services.filter((s) => s.health).map((s) => this.checkService(s)));
  }

  start(): void {
    for (const s of this.services) {
      if (!s.health) continue;
      const loop = () => {
        if (this.stopped) return;
        void this.checkService(s)
          .catch((err: Error) => this.log(`health: service ${s.name}: check failed: ${err.message}`))
          .finally(() => {
            if (this.stopped) return;
            const t = setTimeout(() => {
              this.timers.delete(t);
              loop();
            }, s.health!.interval);
            this.timers.add(t);
          });
      };
      loop();
    }
  }

  stop(): void {
    this.stopped = true;
    for (const t of this.timers) clearTimeout(t);
    this.timers.clear();
  }

  private async checkService(s: LvsServiceConfig): Promise<void> {
    const health = s.health!;
    const probe = this.probe?.(s) ?? probeFor(health);
    await Promise.all(
      this.engine.serverList(s.name).map(async (server) => {
        const port = health.port ?? (server.port || s.port);
        const result = await probe({ host: formatIPv4(server.ip), port });
        // Removed while the probe ran: nothing to record (setUsable would not find it).
        if (this.stopped || server.removed) return;
        let state = this.states.get(server);
        if (!state) this.states.set(server, (state = new HealthState(health)));
        const transition = state.record(result.ok);
        if (!transition) return;
        this.engine.setUsable(s.name, server.id, transition === 'up');
        this.log(describeTransition(s.name, server.id, transition, transition === 'up' ? state.successes : state.failures, result.detail));
      }),
    );
  }
}
