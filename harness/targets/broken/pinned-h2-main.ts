// DELIBERATELY BROKEN HTTP/2 balancer for the protocol checks' tests:
//   pinned-h2-main.ts <listen host:port> <dir> <backend host:port>…
// It terminates TLS with the first certificate whatever the SNI (tls/0.crt in <dir>), offers only h2
// in ALPN (an http/1.1-only client gets no protocol), and picks a backend per client CONNECTION in
// turn, sending every stream of that connection to it: what an L4 balancer in front of HTTP/2 does.
import { readFileSync } from 'node:fs';
import { createSecureServer, type ServerHttp2Session } from 'node:http2';
import { request } from 'node:http';

const split = (s: string) => {
  const i = s.lastIndexOf(':');
  return { host: s.slice(0, i), port: Number(s.slice(i + 1)) };
};
const [listenArg = '', dir = '', ...backendArgs] = process.argv.slice(2);
const listen = split(listenArg);
const backends = backendArgs.map(split);
const pinned = new WeakMap<ServerHttp2Session, { host: string; port: number }>();
let next = 0;

const server = createSecureServer({ cert: readFileSync(`${dir}/tls/0.crt`), key: readFileSync(`${dir}/tls/0.key`), ALPNProtocols: ['h2'] });
server.on('session', (s) => pinned.set(s, backends[next++ % backends.length] as { host: string; port: number }));
server.on('stream', (stream, headers) => {
  const backend = pinned.get(stream.session as ServerHttp2Session) ?? backends[0];
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(headers)) if (!k.startsWith(':') && typeof v === 'string') out[k] = v;
  const up = request({ ...backend, method: headers[':method'], path: headers[':path'], headers: out }, (res) => {
    const head: Record<string, string | number> = { ':status': res.statusCode ?? 502 };
    for (const [k, v] of Object.entries(res.headers)) if (typeof v === 'string' && !['connection', 'keep-alive', 'transfer-encoding'].includes(k)) head[k] = v;
    stream.respond(head);
    res.pipe(stream);
  });
  up.on('error', () => {
    if (!stream.headersSent) stream.respond({ ':status': 502 });
    stream.end();
  });
  stream.pipe(up);
});
server.listen(listen.port, listen.host);
process.on('SIGTERM', () => process.exit(0));
