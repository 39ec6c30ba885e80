// Deliberately broken responses (GET /misbehave?kind=…) for the security suite's response-side
// checks. Each kind writes its exact bytes on the socket itself, bypassing node:http's framing;
// every kind but `appended` then closes the connection.
import type { IncomingMessage, ServerResponse } from 'node:http';
import { BACKEND_HEADER, MISBEHAVIOURS, REQUEST_ID_HEADER, UNSOLICITED_ID, type Misbehaviour } from './protocol.ts';

export function isMisbehaviour(kind: string | null): kind is Misbehaviour {
  return (MISBEHAVIOURS as readonly string[]).includes(kind ?? '');
}

/** The raw bytes of one response; `id` is the request's echoed id. */
export function misbehavingBytes(kind: Misbehaviour, backend: string, id: string): string {
  const ours = `${BACKEND_HEADER}: ${backend}\r\n${REQUEST_ID_HEADER}: ${id}\r\n`;
  const body = `${backend} ${id}\n`;
  switch (kind) {
    case 'bad-status':
      return `HTTP/1.1 2x0 OK\r\n${ours}Content-Length: ${body.length}\r\nConnection: close\r\n\r\n${body}`;
    case 'space-before-colon':
      return `HTTP/1.1 200 OK\r\n${ours}Content-Length : ${body.length}\r\nConnection: close\r\n\r\n${body}`;
    case 'nul-header':
      return `HTTP/1.1 200 OK\r\n${ours}X-Nul: a\u0000b\r\nContent-Length: ${body.length}\r\nConnection: close\r\n\r\n${body}`;
    case 'oversized-headers': {
      const filler = Array.from({ length: 256 }, (_, i) => `X-Filler-${i}: ${'f'.repeat(1000)}\r\n`).join('');
      // Our headers come last: a balancer that keeps only part of the head loses them.
      return `HTTP/1.1 200 OK\r\n${filler}${ours}Content-Length: ${body.length}\r\nConnection: close\r\n\r\n${body}`;
    }
    case 'truncated':
      return `HTTP/1.1 200 OK\r\n${ours}Content-Length: 1000\r\n\r\n${body.padEnd(10, '.').slice(0, 10)}`;
    case 'close-mid-chunked':
      return `HTTP/1.1 200 OK\r\n${ours}Transfer-Encoding: chunked\r\n\r\n${body.length.toString(16)}\r\n${body}\r\n`;
    case 'appended':
      return `HTTP/1.1 200 OK\r\n${ours}Content-Length: ${body.length}\r\n\r\n${body}${unsolicited(backend)}`;
  }
}

function unsolicited(backend: string): string {
  const extra = `${backend} ${UNSOLICITED_ID}\n`;
  return `HTTP/1.1 200 OK\r\n${BACKEND_HEADER}: ${backend}\r\n${REQUEST_ID_HEADER}: ${UNSOLICITED_ID}\r\nContent-Length: ${extra.length}\r\n\r\n${extra}`;
}

/** Answers one request with the broken bytes. The request body, if any, is read first. */
export function misbehave(kind: Misbehaviour, backend: string, req: IncomingMessage, res: ServerResponse): void {
  const id = String(req.headers[REQUEST_ID_HEADER] ?? '');
  req.resume();
  req.on('end', () => {
    if (kind === 'appended') {
      // node:http frames the first response (Content-Length of its body) and keeps the connection;
      // the unsolicited one rides after that body, where the balancer's next answer would be read.
      const body = `${backend} ${id}\n`;
      res.writeHead(200, { [BACKEND_HEADER]: backend, [REQUEST_ID_HEADER]: id, 'content-length': body.length });
      res.end(body + unsolicited(backend));
      return;
    }
    req.socket.end(Buffer.from(misbehavingBytes(kind, backend, id), 'latin1'));
  });
}
