// A bench backend: an HTTP server on a loopback address whose answers are delayed by a
// service-time model. It counts the requests it served, so shares per backend come from
// the backends themselves, not from the balancer's own account.
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { seededRng } from '../rng.ts';
import type { ServiceTimeModel } from '../../reports/schema/index.ts';
import { serviceTimeMs } from './service-time.ts';

export interface BenchBackendSpec {
  id: string;
  model: ServiceTimeModel;
  /** Loopback address to bind, e.g. 127.30.0.1 (default 127.0.0.1). */
  host?: string;
  /** 0 (default): an ephemeral port. */
  port?: number;
  seed?: number;
}

export interface BenchBackend extends AsyncDisposable {
  readonly id: string;
  readonly host: string;
  readonly port: number;
  readonly model: ServiceTimeModel;
  /** Requests answered since start or the last resetCount(). */
  served(): number;
  resetCount(): void;
  /** Restarts the model's clock (a degrading backend degrades again after afterS). */
  restartClock(): void;
  close(): Promise<void>;
}

const BODY = Buffer.from('ok\n');

export async function startBenchBackend(spec: BenchBackendSpec): Promise<BenchBackend> {
  const rng = seededRng(spec.seed ?? hashId(spec.id));
  let count = 0;
  let startedAt = performance.now();
  const timers = new Set<NodeJS.Timeout>();
  const server: Server = createServer((req, res) => {
    // Drain the request body before answering so keep-alive connections stay usable.
    req.resume();
    const delay = serviceTimeMs(spec.model, rng, (performance.now() - startedAt) / 1000);
    const answer = () => {
      count++;
      res.writeHead(200, { 'content-type': 'text/plain', 'content-length': BODY.length, 'x-backend': spec.id });
      res.end(BODY);
    };
    if (delay <= 0) return answer();
    const t = setTimeout(() => {
      timers.delete(t);
      answer();
    }, delay);
    timers.add(t);
  });
  server.keepAliveTimeout = 30_000;
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(spec.port ?? 0, spec.host ?? '127.0.0.1', () => {
      server.off('error', reject);
      resolve();
    });
  });
  const address = server.address() as AddressInfo;
  let closed: Promise<void> | undefined;
  const close = () =>
    (closed ??= new Promise<void>((resolve) => {
      for (const t of timers) clearTimeout(t);
      timers.clear();
      server.close(() => resolve());
      server.closeAllConnections();
    }));
  return {
    id: spec.id,
    host: address.address,
    port: address.port,
    model: spec.model,
    served: () => count,
    resetCount: () => void (count = 0),
    restartClock: () => void (startedAt = performance.now()),
    close,
    [Symbol.asyncDispose]: close,
  };
}

/** A stable seed from the backend's id, so two runs draw the same service times. */
function hashId(id: string): number {
  let h = 2166136261;
  for (let i = 0; i < id.length; i++) h = Math.imul(h ^ id.charCodeAt(i), 16777619);
  return h >>> 0;
}
