// An error answer written by hand on a raw client socket (parser errors, upgrade and CONNECT paths
// have no ServerResponse), always with Connection: close, then the socket is closed.
import { STATUS_CODES } from 'node:http';
import type { Duplex } from 'node:stream';

/** A response head written by hand. */
export function rawResponseHead(status: number, message: string, headers: readonly string[]): string {
  let head = `HTTP/1.1 ${status} ${message}\r\n`;
  for (let i = 0; i < headers.length; i += 2) head += `${headers[i]}: ${headers[i + 1]}\r\n`;
  return head + '\r\n';
}

/** A backend's response head to relay by hand (upgrade path), or undefined when its status is not the
 *  three digits a status line needs (RFC 9112 §4): llhttp reads "001" as 1, which would go out as
 *  "HTTP/1.1 1 …" that no client parses. Node's writeHead refuses the same range on the plain path. */
export function relayedResponseHead(status: number, message: string, headers: readonly string[]): string | undefined {
  if (!Number.isInteger(status) || status < 100 || status > 999) return undefined;
  return rawResponseHead(status, message, headers);
}

export function rawErrorReply(socket: Duplex, status: number, detail: string): void {
  if (!socket.writable) {
    socket.destroy();
    return;
  }
  const body = detail === '' ? '' : `${status} ${STATUS_CODES[status] ?? ''}: ${detail}\n`;
  const head = rawResponseHead(status, STATUS_CODES[status] ?? '', ['Content-Type', 'text/plain; charset=utf-8', 'Content-Length', String(Buffer.byteLength(body)), 'Connection', 'close']);
  socket.end(head + body, () => socket.destroy());
}
