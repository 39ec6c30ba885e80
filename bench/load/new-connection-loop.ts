// Closed loop with a new TCP connection per request: `connections` workers, each opening a
// connection, sending one request (Connection: close), reading the answer to its end, and starting
// over. Latency runs from before the connect to the last byte, so it includes the handshake.
//
// Not autocannon: with a server that closes after each answer (Connection: close), autocannon 9
// (lib/httpClient.js) writes its next request on the closing socket, reconnects on 'end' and sends
// again, but leaves the first request queued; each answer is then timed from an ever older queued
// request (measured here: p50 455 ms at 4k req/s over 32 connections, where Little's law says
// 8 ms). Its reconnectRate option drops the response event of every reconnecting request instead.
//
// Bounded: workers stop starting requests at durationMs (or `amount`); whatever is still in flight
// at durationMs + timeoutMs is aborted.
import { connect, type Socket } from 'node:net';
import { LatencyRecorder } from './latency-recorder.ts';
import { assertLoopbackUrl } from './loopback.ts';
import type { LoadOutcome } from './types.ts';
import type { ClosedLoopOptions } from './closed-loop.ts';

export async function runNewConnectionLoop(opts: ClosedLoopOptions): Promise<LoadOutcome> {
  const url = assertLoopbackUrl(opts.url, opts.ownHosts);
  const timeoutMs = opts.timeoutMs ?? 10_000;
  const recorder = new LatencyRecorder();
  const stop = new AbortController();
  let started = 0;
  let completed = 0;
  let errors = 0;
  let non2xx = 0;
  const t0 = performance.now();
  const elapsedMs = () => performance.now() - t0;

  // Raw sockets, not node:http: less work per request in the generator, whose ceiling bounds these runs.
  const host = url.hostname.replace(/^\[|\]$/g, '');
  const port = Number(url.port || 80);
  const head = Buffer.from(`GET ${url.pathname}${url.search} HTTP/1.1\r\nHost: ${url.host}\r\nConnection: close\r\n\r\n`);
  const open = new Set<Socket>();
  /** The status code once the server closed after its answer; -1 for an error, a reset or a timeout. */
  const oneRequest = () =>
    new Promise<number>((resolve) => {
      let first = '';
      const socket = connect({ host, port, noDelay: true });
      open.add(socket);
      let settled = false;
      const finish = (status: number) => {
        if (settled) return;
        settled = true;
        open.delete(socket);
        socket.destroy();
        resolve(status);
      };
      socket.setTimeout(timeoutMs, () => finish(-1));
      // No half-close after the request: some balancers abort a request whose client sent FIN.
      socket.on('connect', () => socket.write(head));
      socket.on('data', (chunk: Buffer) => {
        if (first.length < 16) first += chunk.toString('latin1', 0, 16);
      });
      socket.on('end', () => {
        const m = /^HTTP\/1\.[01] (\d{3})/.exec(first);
        finish(m ? Number(m[1]) : -1);
      });
      socket.on('error', () => finish(-1));
      // Destroyed by the hard stop (no 'end', no 'error').
      socket.on('close', () => finish(-1));
    });
  stop.signal.addEventListener('abort', () => {
    for (const socket of open) socket.destroy();
  });

  const worker = async () => {
    while (elapsedMs() < opts.durationMs && !stop.signal.aborted && (opts.amount === undefined || started < opts.amount)) {
      started++;
      const sentAt = performance.now();
      const status = await oneRequest();
      if (stop.signal.aborted) return;
      const done = performance.now();
      if (status < 0) {
        errors++;
        continue;
      }
      completed++;
      if (status < 200 || status >= 300) non2xx++;
      recorder.record(done - sentAt, (done - t0) / 1000);
    }
  };

  const hardStop = setTimeout(() => stop.abort(), opts.durationMs + timeoutMs);
  const ticker = setInterval(() => opts.onTick?.(completed, elapsedMs() / 1000), 1000);
  try {
    await Promise.all(Array.from({ length: opts.connections }, worker));
  } finally {
    clearTimeout(hardStop);
    clearInterval(ticker);
  }

  const measuredSeconds = elapsedMs() / 1000;
  return recorder.finish({
    requests: completed,
    measuredSeconds,
    errors,
    non2xx,
    timelineSeconds: opts.amount ? measuredSeconds : Math.min(measuredSeconds, opts.durationMs / 1000),
  });
}
