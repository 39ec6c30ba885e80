// Closed-loop load through autocannon: `connections` clients, each sending its next request
// when the previous answer arrives. Measures capacity; its latencies hide stalls (coordinated
// omission), which is why the open-loop generator exists beside it.
//
// We never ask autocannon for a rate. Read in autocannon 9's source (lib/run.js, lib/httpClient.js):
//  - `connectionRate`/`overallRate` is a per-connection token bucket refilled once per second,
//    so sends come in bursts at the start of each second rather than at a constant rate;
//  - its coordinated-omission correction calls
//    `latencies.recordValueWithExpectedInterval(responseTime, Math.ceil(1 / rate))` where
//    responseTime is in ms but 1/rate is in SECONDS: for any rate ≥ 1/s the expected interval
//    becomes 1 ms, whatever the real interval (e.g. 10 ms at 100 req/s per connection), so it
//    back-fills ten times too many synthetic samples and inflates the percentiles;
//  - latency is timed from the actual write, not an intended send time.
// So rate-limited autocannon is neither constant-rate nor correctly corrected; see open-loop.ts.
//
// Latencies are recorded here from autocannon's 'response' events (µs resolution; autocannon's
// own histogram rounds to whole milliseconds). Bounded: duration or amount, plus a hard stop.
import autocannon from 'autocannon';
import { LatencyRecorder } from './latency-recorder.ts';
import { runNewConnectionLoop } from './new-connection-loop.ts';
import { assertLoopbackUrl } from './loopback.ts';
import type { LoadOutcome, LoadTarget } from './types.ts';

export interface ClosedLoopOptions extends LoadTarget {
  connections: number;
  durationMs: number;
  /** Stop after this many requests instead (still bounded by durationMs + timeoutMs). */
  amount?: number;
  timeoutMs?: number;
  onTick?: (completed: number, elapsedS: number) => void;
}

export async function runClosedLoop(opts: ClosedLoopOptions): Promise<LoadOutcome> {
  assertLoopbackUrl(opts.url, opts.ownHosts);
  if (!Number.isInteger(opts.connections) || opts.connections < 1) throw new RangeError('closed loop: connections must be a positive integer');
  if (!(opts.durationMs > 0)) throw new RangeError('closed loop: durationMs must be positive');
  // autocannon mistimes answers when the server closes each connection: see new-connection-loop.ts.
  if (opts.closeConnections) return runNewConnectionLoop(opts);
  const timeoutMs = opts.timeoutMs ?? 10_000;
  const recorder = new LatencyRecorder();
  let completed = 0;
  const t0 = performance.now();

  const result = await new Promise<autocannon.Result>((resolve, reject) => {
    const instance = autocannon(
      {
        url: opts.url,
        connections: opts.connections,
        ...(opts.amount ? { amount: opts.amount } : { duration: opts.durationMs / 1000 }),
        timeout: Math.max(1, Math.ceil(timeoutMs / 1000)),
        // autocannon notices its stop flag only on a sample tick (default every 1000 ms), so
        // a 400 ms run would really last a second: tick every 50 ms instead.
        sampleInt: 50,
      },
      (err, res) => (err ? reject(err) : resolve(res)),
    );
    const hardStop = setTimeout(() => instance.stop(), opts.durationMs + timeoutMs);
    const ticker = setInterval(() => opts.onTick?.(completed, (performance.now() - t0) / 1000), 1000);
    instance.on('response', (_client, _status, _bytes, responseTimeMs) => {
      completed++;
      recorder.record(responseTimeMs, (performance.now() - t0) / 1000);
    });
    instance.on('done', () => {
      clearTimeout(hardStop);
      clearInterval(ticker);
    });
    instance.on('error', () => {
      clearTimeout(hardStop);
      clearInterval(ticker);
    });
  });

  // Everything answered until autocannon stopped, over the time until it stopped (it may overrun
  // durationMs by up to one 50 ms tick): numerator and denominator cover the same window, which
  // also matches the backends' own counts (read after the stop).
  const measuredSeconds = (performance.now() - t0) / 1000;
  return recorder.finish({
    requests: completed,
    measuredSeconds,
    errors: result.errors + result.timeouts,
    non2xx: result.non2xx,
    timelineSeconds: opts.amount ? measuredSeconds : Math.min(measuredSeconds, opts.durationMs / 1000),
  });
}
