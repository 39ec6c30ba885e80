// The health state machine of one backend, as HAProxy documents rise/fall: a backend starts UP;
// `fall` consecutive failed checks take it DOWN; `rise` consecutive successful checks bring it
// back UP. Pure: the checker feeds it results and acts on the transition it returns.

export type Transition = 'up' | 'down';

export interface HealthThresholds {
  readonly rise: number;
  readonly fall: number;
}

export class HealthState {
  up = true;
  /** Consecutive successes/failures in the current run (one of them is always 0). */
  successes = 0;
  failures = 0;

  constructor(private readonly thresholds: HealthThresholds) {}

  /** Records one check result; returns the transition it caused, if any. */
  record(ok: boolean): Transition | undefined {
    if (ok) {
      this.failures = 0;
      this.successes++;
      if (!this.up && this.successes >= this.thresholds.rise) {
        this.up = true;
        return 'up';
      }
    } else {
      this.successes = 0;
      this.failures++;
      if (this.up && this.failures >= this.thresholds.fall) {
        this.up = false;
        return 'down';
      }
    }
    return undefined;
  }
}

/** The log line for a transition: "health: listener web backend b2 DOWN after 3 failures (connect ECONNREFUSED)". */
export function describeTransition(listener: string, backend: string, to: Transition, count: number, detail: string): string {
  const what = to === 'down' ? (count === 1 ? 'failure' : 'failures') : count === 1 ? 'success' : 'successes';
  return `health: listener ${listener} backend ${backend} ${to.toUpperCase()} after ${count} ${what} (${detail})`;
}
