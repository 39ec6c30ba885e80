// A raw-bytes exchange from a client address: the security suite writes exact bytes (malformed
// framing, slow pieces) and reads back whatever the balancer answers. Bounded by one deadline from
// connecting, never retried; how the exchange ended is part of the outcome.
import { connect, type Socket } from 'node:net';
import type { Endpoint } from '../types.ts';
import type { RawExchange, RawOutcome, RawReply } from '../topology.ts';

const DEFAULT_TIMEOUT_MS = 5_000;
const DEFAULT_MAX_BYTES = 1024 * 1024;

const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

function localOf(socket: Socket): Endpoint {
  return { host: (socket.localAddress ?? '').replace(/^::ffff:/, ''), port: socket.localPort ?? 0 };
}

export function rawExchange(address: string, entry: Endpoint, exchange: RawExchange): Promise<RawOutcome> {
  const started = performance.now();
  const timeoutMs = exchange.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  const maxBytes = exchange.maxBytes ?? DEFAULT_MAX_BYTES;
  return new Promise<RawOutcome>((resolve) => {
    const socket = connect({ host: entry.host, port: entry.port, localAddress: address });
    const received: Buffer[] = [];
    let size = 0;
    let connected = false;
    let written = 0;
    let allWritten = false;
    let firstByteMs: number | undefined;
    let quietTimer: NodeJS.Timeout | undefined;
    let settled = false;
    const elapsed = () => Math.round(performance.now() - started);

    const finish = (end: RawReply['end']) => {
      if (settled) return;
      settled = true;
      clearTimeout(deadline);
      clearTimeout(quietTimer);
      const local = localOf(socket);
      socket.destroy();
      const bytes = Buffer.concat(received).subarray(0, maxBytes).toString('latin1');
      resolve({ ok: true, bytes, end, written, ...(firstByteMs !== undefined ? { firstByteMs } : {}), local, elapsedMs: elapsed() });
    };
    const fail = (error: string) => {
      if (settled) return;
      settled = true;
      clearTimeout(deadline);
      socket.destroy();
      resolve({ ok: false, error, elapsedMs: elapsed() });
    };
    const armQuiet = () => {
      if (exchange.quietMs === undefined || !allWritten || size === 0) return;
      clearTimeout(quietTimer);
      quietTimer = setTimeout(() => finish('quiet'), exchange.quietMs);
    };
    const deadline = setTimeout(() => (connected ? finish('timeout') : fail(`timeout after ${timeoutMs} ms`)), timeoutMs);

    socket.on('data', (chunk: Buffer) => {
      firstByteMs ??= elapsed();
      received.push(chunk);
      size += chunk.length;
      if (size >= maxBytes) finish('limit');
      else armQuiet();
    });
    socket.on('end', () => finish('closed'));
    socket.on('error', (err: NodeJS.ErrnoException) => {
      if (!connected) fail(err.code ?? err.message);
      else finish(err.code === 'EPIPE' ? 'write-failed' : 'reset');
    });
    socket.once('connect', () => {
      connected = true;
      void (async () => {
        for (const piece of exchange.pieces) {
          if (piece.delayMs) await sleep(piece.delayMs);
          if (settled || socket.destroyed) return;
          const data = Buffer.from(piece.data, 'latin1');
          const ok = await new Promise<boolean>((r) => socket.write(data, (err) => r(!err)));
          if (!ok) return finish('write-failed');
          written += data.length;
        }
        if (exchange.halfClose && !settled) socket.end();
        allWritten = true;
        armQuiet();
      })();
    });
  });
}
