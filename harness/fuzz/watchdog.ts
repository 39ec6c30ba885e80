// One campaign in a worker thread, watched: the worker copies each input into shared memory before it
// runs it; when the count of started inputs stops moving for `stallMs`, the worker is ended and the
// input it was on is reported as a hang (a loop that never returns cannot be timed from inside).
import { Worker } from 'node:worker_threads';
import type { FuzzReport } from './run.ts';
import type { WorkerJob, WorkerMessage } from './worker.ts';

const SHARED_BYTES = 8 + 131_072;
// Workers do not inherit tsx's loader on Node 20: register it in the worker, then load the TypeScript.
const WORKER_BOOT = `import('tsx/esm/api').then((m) => { m.register(); return import(${JSON.stringify(new URL('./worker.ts', import.meta.url).href)}); })`;
const PROGRESS_EVERY_MS = 10_000;

export function campaign(job: Omit<WorkerJob, 'shared'>, stallMs: number, onProgress?: (target: string, inputs: number, elapsedMs: number) => void): Promise<FuzzReport> {
  const shared = new SharedArrayBuffer(SHARED_BYTES);
  const counters = new Int32Array(shared, 0, 2);
  const worker = new Worker(WORKER_BOOT, { eval: true, workerData: { ...job, shared } satisfies WorkerJob });
  const started = performance.now();
  let last = { count: 0, at: started, printed: started };
  return new Promise((resolve, reject) => {
    let settled = false;
    const finish = (report: FuzzReport) => {
      if (settled) return;
      settled = true;
      clearInterval(watch);
      resolve(report);
    };
    const watch = setInterval(() => {
      const now = performance.now();
      const count = Atomics.load(counters, 0);
      if (count !== last.count) last = { ...last, count, at: now };
      // Before the first input the worker is still loading (slow on a loaded machine): not a hang.
      else if (count > 0 && now - last.at > stallMs) {
        const input = new Uint8Array(shared, 8, Atomics.load(counters, 1)).slice();
        void worker.terminate();
        finish({ target: job.target, inputs: count, elapsedMs: now - started, crashes: [{ kind: 'hang', error: `no progress for ${stallMs} ms on one input`, input, seed: job.seed, path: undefined }], known: {} });
      }
    }, Math.min(500, stallMs / 4));
    worker.on('message', (m: WorkerMessage) => {
      if (m.type === 'done') return finish(m.report);
      if (onProgress && performance.now() - last.printed > PROGRESS_EVERY_MS) {
        last.printed = performance.now();
        onProgress(job.target, m.inputs, m.elapsedMs);
      }
    });
    worker.on('error', (err) => {
      if (settled) return;
      settled = true;
      clearInterval(watch);
      reject(err);
    });
  });
}
