// One active health check against one backend: tcp (connect) or http (GET path, 2xx/3xx ok).
// A probe never throws and always settles within its timeout; it reports ok plus a short detail.
import { connect } from 'node:net';
import { request } from 'node:http';

export interface ProbeResult {
  readonly ok: boolean;
  readonly detail: string;
}

export interface ProbeTarget {
  readonly host: string;
  readonly port: number;
}

export function tcpProbe(target: ProbeTarget, timeoutMs: number): Promise<ProbeResult> {
  return new Promise((resolve) => {
    const socket = connect({ host: target.host, port: target.port });
    const timer = setTimeout(() => finish({ ok: false, detail: `timeout after ${timeoutMs}ms` }), timeoutMs);
    function finish(result: ProbeResult): void {
      clearTimeout(timer);
      socket.destroy();
      resolve(result);
    }
    socket.once('connect', () => finish({ ok: true, detail: 'connect ok' }));
    socket.once('error', (err: NodeJS.ErrnoException) => finish({ ok: false, detail: `connect ${err.code ?? err.message}` }));
  });
}

export function httpProbe(target: ProbeTarget, path: string, timeoutMs: number): Promise<ProbeResult> {
  return new Promise((resolve) => {
    let settled = false;
    const req = request({
      host: target.host,
      port: target.port,
      path,
      method: 'GET',
      agent: false,
      headers: { connection: 'close', 'user-agent': 'fulcrum-health' },
    });
    const timer = setTimeout(() => finish({ ok: false, detail: `timeout after ${timeoutMs}ms` }), timeoutMs);
    function finish(result: ProbeResult): void {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      req.destroy();
      resolve(result);
    }
    req.once('response', (res) => {
      const status = res.statusCode ?? 0;
      res.resume();
      finish({ ok: status >= 200 && status < 400, detail: `http ${status}` });
    });
    req.once('error', (err: NodeJS.ErrnoException) => finish({ ok: false, detail: `connect ${err.code ?? err.message}` }));
    req.end();
  });
}
