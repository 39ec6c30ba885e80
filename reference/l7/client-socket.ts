// What the proxy keeps per client connection, and what it does when Node's parser rejects bytes on
// one. Pipelining makes the answer depend on what is still open on the connection:
//   - nothing unanswered: a 400 (431, 414, 408) is written on the raw socket, then it closes;
//   - only the request whose body failed to parse (bad chunk, bad trailer): that request's own
//     exchange answers 400 and closes; its upstream request is destroyed unfinished;
//   - earlier requests still unanswered: they are answered first, then the 400 follows (written
//     right away it would be read as an earlier request's answer);
//   - the connection was already refused (an answer with Connection: close is on its way): nothing
//     more, and requests the parser still finds after it are never forwarded.
import type { IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import { rawErrorReply } from './raw-reply.ts';

export interface OpenExchange {
  readonly req: IncomingMessage;
  /** The request's body failed to parse: answer 400 (or cut) and close. */
  bodyFailed(): void;
  /** Ends the exchange (lease released, upstream stopped); idempotent, removes it from `open`. */
  end(): void;
}

export interface ClientConnection {
  /** Exchanges not ended yet, in arrival order. */
  readonly open: Set<OpenExchange>;
  /** An answer with Connection: close was given; nothing after it is forwarded. */
  refused: boolean;
  /** The exchange of the request the parser read last. */
  current: OpenExchange | undefined;
  /** Runs when the last open exchange ends: the parser's error answer held back behind them. */
  afterOpen: (() => void) | undefined;
}

const STATE = Symbol('fulcrum.client-connection');
type Tagged = Duplex & { [STATE]?: ClientConnection };

/** The connection's state, made on its first request; its close ends every exchange still open. */
export function clientConnection(socket: Duplex): ClientConnection {
  const tagged = socket as Tagged;
  let state = tagged[STATE];
  if (state === undefined) {
    const made: ClientConnection = { open: new Set(), refused: false, current: undefined, afterOpen: undefined };
    socket.once('close', () => {
      for (const e of made.open) e.end();
    });
    state = tagged[STATE] = made;
  }
  return state;
}

export function onClientError(err: NodeJS.ErrnoException & { rawPacket?: Buffer }, socket: Duplex, urlBytes: number): void {
  const state = (socket as Tagged)[STATE];
  if (state?.refused) return;
  if (err.code === 'ECONNRESET' || !socket.writable) {
    socket.destroy();
    return;
  }
  if (state !== undefined && state.open.size > 0) {
    const current = state.current;
    state.refused = true;
    if (state.open.size === 1 && current !== undefined && !current.req.complete) current.bodyFailed();
    else state.afterOpen = () => rawErrorReply(socket, 400, '');
    return;
  }
  let status = 400;
  if (err.code === 'ERR_HTTP_REQUEST_TIMEOUT') status = 408;
  else if (err.code === 'HPE_HEADER_OVERFLOW') status = requestLineTooLong(err.rawPacket, urlBytes) ? 414 : 431;
  rawErrorReply(socket, status, status === 414 ? `request target is over ${urlBytes} bytes` : '');
}

/** Whether the parser's head bound was crossed inside the request line: the bytes it choked on
 *  start with a request line longer than the target limit. When unsure (the line came in several
 *  reads), 431. */
function requestLineTooLong(packet: Buffer | undefined, urlBytes: number): boolean {
  if (packet === undefined || !/^[A-Z]+ \S/.test(packet.subarray(0, 16).toString('latin1'))) return false;
  const eol = packet.indexOf(10);
  return eol < 0 || eol > urlBytes;
}
