// Open-loop, constant-rate load (wrk2-style). Each connection has its own schedule of
// intended send times, rate/connections apart. Latency is measured from the INTENDED send
// time, not the actual one: when a response stalls, the requests that should have been sent
// meanwhile are sent late and carry the wait in their latency. That corrects coordinated
// omission, which hides stalls in closed-loop figures (the generator politely stops asking
// while the server is stuck). Sends that leave more than 1 ms late are counted as late;
// intended sends still unsent when the run ends are counted as dropped.
//
// Bounded: at most rate·duration requests (or `amount`), and a hard stop at duration + timeout
// that aborts whatever is still in flight.
import { setMaxListeners } from 'node:events';
import { Agent, request } from 'node:http';
import { setTimeout as sleep } from 'node:timers/promises';
import { LatencyRecorder } from './latency-recorder.ts';
import { assertLoopbackUrl } from './loopback.ts';
import type { LoadOutcome, LoadTarget } from './types.ts';

export interface OpenLoopOptions extends LoadTarget {
  /** Requests per second over all connections. */
  rate: number;
  connections: number;
  durationMs: number;
  /** Optional cap on intended sends (the time bound always applies too). */
  amount?: number;
  /** Per-request timeout; also the grace after durationMs before in-flight requests are aborted. */
  timeoutMs?: number;
  /** Called every second with completed requests so far (progress). */
  onTick?: (completed: number, elapsedS: number) => void;
}

const LATE_MS = 1;

export async function runOpenLoop(opts: OpenLoopOptions): Promise<LoadOutcome> {
  const url = assertLoopbackUrl(opts.url, opts.ownHosts);
  if (opts.closeConnections) throw new RangeError('open loop: a new connection per request is not supported (use the closed loop)');
  if (!(opts.rate > 0) || !Number.isFinite(opts.rate)) throw new RangeError('open loop: rate must be a positive number');
  if (!Number.isInteger(opts.connections) || opts.connections < 1) throw new RangeError('open loop: connections must be a positive integer');
  if (!(opts.durationMs > 0)) throw new RangeError('open loop: durationMs must be positive');
  const timeoutMs = opts.timeoutMs ?? 10_000;
  const intervalMs = (1000 * opts.connections) / opts.rate;
  const totalIntended = Math.min(opts.amount ?? Infinity, Math.floor((opts.rate * opts.durationMs) / 1000));

  const recorder = new LatencyRecorder();
  const agents: Agent[] = [];
  const stop = new AbortController();
  // One listener per in-flight request (at most one per connection).
  setMaxListeners(opts.connections + 10, stop.signal);
  let errors = 0;
  let non2xx = 0;
  let late = 0;
  let sent = 0;
  let completed = 0;
  const t0 = performance.now();

  const oneRequest = (agent: Agent) =>
    new Promise<number>((resolve) => {
      const req = request(
        { host: url.hostname.replace(/^\[|\]$/g, ''), port: url.port, path: url.pathname + url.search, agent, timeout: timeoutMs, signal: stop.signal },
        (res) => {
          res.resume();
          res.on('end', () => resolve(res.statusCode ?? 0));
          res.on('error', () => resolve(-1));
        },
      );
      req.on('timeout', () => req.destroy(new Error('timeout')));
      req.on('error', () => resolve(-1));
      req.end();
    });

  const connectionLoop = async (index: number) => {
    const agent = new Agent({ keepAlive: true, maxSockets: 1 });
    agents.push(agent);
    // Stagger the connections so their schedules interleave evenly.
    const offsetMs = (index * intervalMs) / opts.connections;
    for (let i = 0; ; i++) {
      const intended = offsetMs + i * intervalMs;
      if (intended >= opts.durationMs || stop.signal.aborted) return;
      // Every connection's i-th send is global send number i·C + index; respect the amount cap.
      if (i * opts.connections + index >= totalIntended) return;
      const wait = intended - (performance.now() - t0);
      if (wait > 0) await sleep(wait);
      if (stop.signal.aborted) return;
      const sendAt = performance.now() - t0;
      if (sendAt - intended > LATE_MS) late++;
      sent++;
      const status = await oneRequest(agent);
      const doneAt = performance.now() - t0;
      if (status < 0) {
        if (!stop.signal.aborted) errors++;
        continue;
      }
      completed++;
      if (status < 200 || status > 299) non2xx++;
      recorder.record(doneAt - intended, doneAt / 1000);
    }
  };

  const ticker = setInterval(() => opts.onTick?.(completed, (performance.now() - t0) / 1000), 1000);
  const hardStop = setTimeout(() => stop.abort(), opts.durationMs + timeoutMs);
  try {
    await Promise.all(Array.from({ length: opts.connections }, (_, i) => connectionLoop(i)));
  } finally {
    clearInterval(ticker);
    clearTimeout(hardStop);
    for (const a of agents) a.destroy();
  }
  const measuredSeconds = Math.max(opts.durationMs / 1000, (performance.now() - t0) / 1000);
  return recorder.finish({
    requests: completed,
    measuredSeconds,
    errors,
    non2xx,
    late,
    dropped: Math.max(0, totalIntended - sent),
    timelineSeconds: opts.durationMs / 1000,
  });
}
