// The admin endpoint: GET /stats (JSON), /metrics (Prometheus text), /healthz (200). Read-only.
import { createServer, type Server } from 'node:http';
import { prometheusText } from './prometheus.ts';
import { statsSnapshot, type ListenerInfo } from './stats.ts';

export function createAdminServer(listeners: () => readonly ListenerInfo[]): Server {
  return createServer((req, res) => {
    const path = (req.url ?? '/').split('?')[0];
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      res.writeHead(405, { allow: 'GET, HEAD', 'content-type': 'text/plain' }).end('method not allowed\n');
      return;
    }
    switch (path) {
      case '/stats':
        res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(statsSnapshot(listeners()), null, 2) + '\n');
        return;
      case '/metrics':
        res.writeHead(200, { 'content-type': 'text/plain; version=0.0.4; charset=utf-8' }).end(prometheusText(statsSnapshot(listeners())));
        return;
      case '/healthz':
        res.writeHead(200, { 'content-type': 'text/plain' }).end('ok\n');
        return;
      default:
        res.writeHead(404, { 'content-type': 'text/plain' }).end('not found: try /stats, /metrics or /healthz\n');
    }
  });
}
