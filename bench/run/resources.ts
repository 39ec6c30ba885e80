// Everything a bench run has started (balancers, the backend host, LVS topologies), closed together:
// at the end of each scenario, on every path, and on Ctrl-C or SIGTERM through the harness's cleanup,
// which then exits 130 (143). After a signal nothing new may start: whatever is added is closed at once.
import { trackTeardown } from '../../harness/index.ts';

export class RunStoppedError extends Error {
  readonly code = 'FULCRUM_ERR_BENCH_STOPPED';
}

export class RunResources {
  private readonly open = new Set<() => Promise<void>>();
  private stopped = false;
  private readonly untrack: () => void;

  constructor() {
    this.untrack = trackTeardown(() => this.stop());
  }

  /** Keeps close() until closeAll(); after a signal runs it at once and throws RunStoppedError. */
  async add(close: () => Promise<void>): Promise<void> {
    if (this.stopped) {
      await close();
      throw new RunStoppedError('the bench was stopped by a signal');
    }
    this.open.add(close);
  }

  /** Closes what is open now (the end of a scenario); the run goes on. */
  async closeAll(): Promise<void> {
    const closing = [...this.open];
    this.open.clear();
    await Promise.all(closing.map((close) => close()));
  }

  /** The signal's teardown. */
  private async stop(): Promise<void> {
    this.stopped = true;
    await this.closeAll();
  }

  /** The end of the run: closes what is left and unregisters from the harness's cleanup. */
  async dispose(): Promise<void> {
    try {
      await this.closeAll();
    } finally {
      this.untrack();
    }
  }
}
