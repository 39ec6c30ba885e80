// One target's campaign in a worker thread, so the main thread's watchdog can stop an input that never
// returns. Before each input the worker copies it into shared memory and bumps a counter: on a hang the
// main thread still has the bytes.
import { parentPort, workerData } from 'node:worker_threads';
import { loadSeeds } from './corpus.ts';
import { runFuzz, type FuzzOptions } from './run.ts';
import type { FuzzTarget } from './target.ts';
import { fuzzTarget } from './targets/index.ts';

export interface WorkerJob {
  target: string;
  seed: number;
  count: number;
  durationMs: number;
  hangMs: number;
  strict: boolean;
  /** A module whose `target` export is fuzzed instead of the named built-in one (the watchdog's test). */
  targetModule?: string;
  /** [0]: inputs started, [1]: length of the current input; bytes from offset 8. */
  shared: SharedArrayBuffer;
}

export type WorkerMessage = { type: 'progress'; inputs: number; elapsedMs: number } | { type: 'done'; report: ReturnType<typeof runFuzz> };

const job = workerData as WorkerJob;
const target: FuzzTarget = job.targetModule ? ((await import(job.targetModule)) as { target: FuzzTarget }).target : fuzzTarget(job.target);
const counters = new Int32Array(job.shared, 0, 2);
const bytes = new Uint8Array(job.shared, 8);
let started = 0;
const options: FuzzOptions = {
  seed: job.seed,
  count: job.count,
  durationMs: job.durationMs,
  hangMs: job.hangMs,
  strict: job.strict,
  seeds: loadSeeds(target.name),
  beforeInput: (input) => {
    const n = Math.min(input.length, bytes.length);
    bytes.set(input.subarray(0, n));
    counters[1] = n;
    counters[0] = ++started;
  },
  onProgress: (inputs, elapsedMs) => parentPort!.postMessage({ type: 'progress', inputs, elapsedMs } satisfies WorkerMessage),
};
parentPort!.postMessage({ type: 'done', report: runFuzz(target, options) } satisfies WorkerMessage);
