// The agent's TCP port: after an optional PROXY header, a first line that looks like an HTTP
// request line goes to the HTTP server, anything else is a line-echo exchange. In capture mode the
// connection's raw bytes are tapped before anything reads them.
import { createServer, type Server, type Socket } from 'node:net';
import type { Server as HttpServer } from 'node:http';
import { parseProxyHeader } from './proxy-header.ts';
import { replyLine, type ProxyHeaderRecord } from './protocol.ts';
import { peerOf, type AgentState } from './state.ts';
import type { CaptureTap } from './capture.ts';

const HTTP_LINE = /^[A-Z]{3,10} \S+ HTTP\/1\.[01]\r?$/;
/** A first line longer than this without a newline is treated as a TCP payload… */
const SNIFF_BYTES = 8192;
/** …unless it still looks like the start of a request line (long URLs), up to this bound. */
const REQUEST_LINE_BYTES = 1024 * 1024;
const REQUEST_LINE_START = /^[A-Z]{3,10} \S*$/;

export function createAgentTcp(state: AgentState, http: HttpServer): Server {
  return createServer((socket) => accept(state, http, socket));
}

function accept(state: AgentState, http: HttpServer, socket: Socket): void {
  state.sockets.add(socket);
  socket.on('close', () => state.sockets.delete(socket));
  socket.on('error', () => {});
  const tap = state.captures.tap(socket, peerOf(socket));
  let buf = Buffer.alloc(0);
  let proxy: ProxyHeaderRecord | undefined;
  let headerDone = false;
  const onData = (chunk: Buffer) => {
    buf = Buffer.concat([buf, chunk]);
    if (!headerDone) {
      const p = parseProxyHeader(buf);
      if (p.kind === 'need-more') return;
      if (p.kind === 'invalid') return void socket.destroy();
      if (p.kind === 'header') {
        proxy = p.header;
        buf = buf.subarray(p.consumed);
      }
      headerDone = true;
    }
    const nl = buf.indexOf('\n');
    if (nl < 0 && (buf.length < SNIFF_BYTES || (buf.length < REQUEST_LINE_BYTES && REQUEST_LINE_START.test(buf.toString('latin1'))))) return;
    const firstLine = buf.subarray(0, nl < 0 ? buf.length : nl).toString('latin1');
    socket.removeListener('data', onData);
    socket.removeListener('end', onEnd);
    if (HTTP_LINE.test(firstLine)) return handToHttp(state, http, socket, buf, proxy, tap);
    lineEcho(state, socket, buf, proxy);
  };
  const onEnd = () => {
    state.probes++;
    socket.end();
  };
  socket.on('data', onData);
  socket.on('end', onEnd);
}

function handToHttp(state: AgentState, http: HttpServer, socket: Socket, buf: Buffer, proxy: ProxyHeaderRecord | undefined, tap: CaptureTap): void {
  if (proxy) state.proxyOf.set(socket, proxy);
  socket.pause();
  socket.unshift(buf);
  tap.replayed(buf.length);
  // We already read from this socket in JS; tell node:http to read through the stream (where
  // the unshifted bytes are) instead of consuming the native handle directly.
  const handle = (socket as unknown as { _handle?: { _consumed?: boolean } })._handle;
  if (handle) handle._consumed = true;
  http.emit('connection', socket);
  socket.resume();
}

function lineEcho(state: AgentState, socket: Socket, initial: Buffer, proxy: ProxyHeaderRecord | undefined): void {
  state.active.tcp++;
  socket.once('close', () => state.active.tcp--);
  let pending = initial.toString('utf8');
  let first = true;
  const flush = () => {
    let nl: number;
    while ((nl = pending.indexOf('\n')) >= 0) {
      const line = pending.slice(0, nl).replace(/\r$/, '');
      pending = pending.slice(nl + 1);
      if (first) {
        state.record({ backend: state.id, protocol: 'tcp', peer: peerOf(socket), at: Date.now(), payload: line, ...(proxy ? { proxy } : {}) });
        first = false;
      }
      socket.write(`${replyLine(state.id, line)}\n`);
    }
  };
  flush();
  socket.setEncoding('utf8');
  socket.on('data', (s: string) => {
    pending += s;
    flush();
  });
  socket.on('end', () => socket.end());
}
