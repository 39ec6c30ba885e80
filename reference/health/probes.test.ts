import { afterEach, describe, expect, it } from 'vitest';
import { createServer, type Server } from 'node:http';
import { createServer as createTcpServer, type AddressInfo } from 'node:net';
import { httpProbe, tcpProbe } from './probes.ts';

const servers: Array<{ close(): unknown; closeAllConnections?: () => void }> = [];
afterEach(() => {
  for (const s of servers.splice(0)) {
    s.closeAllConnections?.();
    s.close();
  }
});

async function httpServer(handler: Parameters<typeof createServer>[1]): Promise<{ host: string; port: number }> {
  const server: Server = createServer(handler);
  servers.push(server);
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return { host: '127.0.0.1', port: (server.address() as AddressInfo).port };
}

/** A port that was free a moment ago: connecting to it is refused. */
async function closedPort(): Promise<number> {
  const s = createTcpServer();
  await new Promise<void>((r) => s.listen(0, '127.0.0.1', r));
  const port = (s.address() as AddressInfo).port;
  await new Promise((r) => s.close(r));
  return port;
}

describe('probes', () => {
  it('tcp: ok when the port accepts, connect ECONNREFUSED when it does not', async () => {
    const up = await httpServer((_q, s) => s.end());
    expect(await tcpProbe(up, 1000)).toEqual({ ok: true, detail: 'connect ok' });
    expect(await tcpProbe({ host: '127.0.0.1', port: await closedPort() }, 1000)).toEqual({ ok: false, detail: 'connect ECONNREFUSED' });
  });

  it('http: 2xx and 3xx are healthy, 4xx/5xx are not, and the path is requested', async () => {
    const paths: string[] = [];
    let status = 200;
    const t = await httpServer((req, res) => {
      paths.push(req.url ?? '');
      res.statusCode = status;
      res.end('x');
    });
    expect(await httpProbe(t, '/health', 1000)).toEqual({ ok: true, detail: 'http 200' });
    status = 302;
    expect((await httpProbe(t, '/health', 1000)).ok).toBe(true);
    status = 404;
    expect(await httpProbe(t, '/health', 1000)).toEqual({ ok: false, detail: 'http 404' });
    status = 503;
    expect((await httpProbe(t, '/health', 1000)).ok).toBe(false);
    expect(paths).toEqual(['/health', '/health', '/health', '/health']);
  });

  it('http: a backend that never answers fails with a timeout, within bounds', async () => {
    const t = await httpServer(() => {});
    const started = Date.now();
    expect(await httpProbe(t, '/', 150)).toEqual({ ok: false, detail: 'timeout after 150ms' });
    expect(Date.now() - started).toBeLessThan(2000);
  });

  it('http: refused connection is reported with its code', async () => {
    expect(await httpProbe({ host: '127.0.0.1', port: await closedPort() }, '/', 1000)).toEqual({ ok: false, detail: 'connect ECONNREFUSED' });
  });
});
