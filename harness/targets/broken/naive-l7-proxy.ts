// DELIBERATELY BROKEN: an HTTP/1.1 proxy written the naive way, for the security suite's own tests.
// Each defect is one a real proxy has shipped with; together they make every security check fail:
// - a head ends at the first blank line, CRLF or bare LF; lines are passed on as they came;
// - request bodies are never framed: after the head, client bytes are piped to the backend as they
//   arrive (so CL/TE ambiguity, pipelined requests and bytes after an Upgrade all go through);
// - headers named in Connection are removed, framing and Host included;
// - only the first 64 lines of a head (request or response) are kept, the rest dropped silently, and any line (the request
//   line too) is cut
//   at 8 KiB;
// - backend connections are pooled across clients, and a response is read by Content-Length or up
//   to the first "0\r\n\r\n", leaving any extra bytes for the next client;
// - a response cut short by the backend is sent on with a Content-Length of what arrived;
// - one response per client connection, then close;
// - no header timeout and no cap on client connections (slowloris and fd exhaustion go through);
// - the response timeout (when given) runs from when the head went to the backend, so a slow
//   upload is cut with a 504 while the client is still sending.
import { createServer, connect, type Socket } from 'node:net';

const MAX_LINES = 64;
const MAX_LINE = 8192;

interface Upstream {
  socket: Socket;
  buf: string;
  closed: boolean;
  onChange?: () => void;
}

function rewriteHead(head: string, extra: string): string {
  // Split on LF only and keep each line's own ending, so line endings pass on as they came.
  const lines = head.split('\n').map((l, i, all) => (i === all.length - 1 ? `${l}\r\n` : `${l}\n`));
  const nominated = lines
    .filter((l) => /^connection:/i.test(l))
    .flatMap((l) => l.slice(l.indexOf(':') + 1).split(','))
    .map((t) => t.trim().toLowerCase())
    .filter((t) => t && t !== 'close' && t !== 'keep-alive');
  const kept = lines
    .slice(0, MAX_LINES)
    .filter((l, i) => i === 0 || !nominated.includes(l.slice(0, l.indexOf(':')).trim().toLowerCase()))
    .map((l) => (l.length > MAX_LINE ? `${l.slice(0, MAX_LINE)}\r\n` : l));
  return `${kept.join('')}${extra}\r\n`;
}

/** A whole response at the start of buf: its length, or undefined while more is needed. */
function responseLength(buf: string, closed: boolean): number | undefined {
  const end = buf.indexOf('\r\n\r\n');
  if (end < 0) return closed ? buf.length : undefined;
  const head = buf.slice(0, end);
  const cl = /\r\ncontent-length:\s*(\d+)/i.exec(head);
  if (cl) return buf.length >= end + 4 + Number(cl[1]) ? end + 4 + Number(cl[1]) : closed ? buf.length : undefined;
  if (/\r\ntransfer-encoding:\s*chunked/i.test(head)) {
    const last = buf.indexOf('0\r\n\r\n', end + 4);
    return last >= 0 ? last + 5 : closed ? buf.length : undefined;
  }
  return end + 4;
}

/** Response heads get the same 64-line cut as request heads. */
function cutHead(response: string): string {
  const end = response.indexOf('\r\n\r\n');
  if (end < 0) return response;
  return `${response.slice(0, end).split('\r\n').slice(0, MAX_LINES).join('\r\n')}${response.slice(end)}`;
}

/** What the client gets for a response that stopped short: its head with the length it reached. */
function patchTruncated(response: string): string {
  const end = response.indexOf('\r\n\r\n');
  if (end < 0) return response;
  const body = response.slice(end + 4);
  const head = response.slice(0, end).split('\r\n').filter((l) => !/^(content-length|transfer-encoding):/i.test(l));
  return `${head.join('\r\n')}\r\nContent-Length: ${body.length}\r\n\r\n${body}`;
}

export function startNaiveProxy(listen: { host: string; port: number }, backend: { host: string; port: number }, responseTimeoutMs?: number) {
  const idle: Upstream[] = [];
  const take = (): Upstream => {
    const pooled = idle.shift();
    if (pooled && !pooled.closed) return pooled;
    const up: Upstream = { socket: connect(backend), buf: '', closed: false };
    up.socket.on('data', (d: Buffer) => {
      up.buf += d.toString('latin1');
      up.onChange?.();
    });
    const close = () => {
      up.closed = true;
      up.onChange?.();
    };
    up.socket.on('close', close);
    up.socket.on('error', close);
    return up;
  };

  const server = createServer((client) => {
    let buf = '';
    let up: Upstream | undefined;
    client.on('error', () => up?.socket.destroy());
    client.on('data', (d: Buffer) => {
      if (up) return void up.socket.write(d);
      buf += d.toString('latin1');
      const m = /\r?\n\r?\n/.exec(buf);
      if (!m) return;
      const upstream = (up = take());
      const head = rewriteHead(buf.slice(0, m.index), `X-Forwarded-For: ${client.remoteAddress}\r\n`);
      upstream.socket.write(Buffer.from(head + buf.slice(m.index + m[0].length), 'latin1'));
      const timer = responseTimeoutMs
        ? setTimeout(() => {
            upstream.onChange = undefined;
            upstream.socket.destroy();
            client.end('HTTP/1.1 504 Gateway Timeout\r\nContent-Length: 0\r\nConnection: close\r\n\r\n');
          }, responseTimeoutMs)
        : undefined;
      upstream.onChange = () => {
        const n = responseLength(upstream.buf, upstream.closed);
        if (n === undefined) return;
        clearTimeout(timer);
        const response = upstream.buf.slice(0, n);
        upstream.buf = upstream.buf.slice(n);
        upstream.onChange = undefined;
        if (!upstream.closed) idle.push(upstream);
        const sent = upstream.closed && n > 0 ? patchTruncated(response) : response;
        client.end(Buffer.from(cutHead(sent), 'latin1'));
      };
      upstream.onChange();
    });
  });
  server.listen(listen.port, listen.host);
  return server;
}
