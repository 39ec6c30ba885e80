// Splitting a byte stream into HTTP/1.1 requests or responses, strictly (head.ts, body.ts). The
// security suite parses what a backend received on each connection and what a client got back.
import { Http1Error, NEED_MORE, fieldValues, readHead, type Field } from './head.ts';
import { framingOf, readChunked, type Framing } from './body.ts';

export interface Message {
  fields: Field[];
  framing: Framing['kind'];
  /** The decoded body (chunked: the chunks' data), latin1. */
  body: string;
  trailers: Field[];
  extensions: string[];
  /** Where the message starts and ends in the input. */
  start: number;
  end: number;
}

export interface Request extends Message {
  method: string;
  target: string;
  version: string;
  /** RFC 9112 §3.2: origin (/path), absolute (http://…), authority (CONNECT) or asterisk. */
  form: 'origin' | 'absolute' | 'authority' | 'asterisk';
}

export interface Response extends Message {
  version: string;
  status: number;
  reason: string;
  /** The body ran to the end of input (close-delimited) or stopped short of its framing. */
  complete: boolean;
}

export interface Parsed<T> {
  messages: T[];
  /** The first problem; nothing after it is parsed. */
  error?: { message: string; offset: number; rfc: string };
  /** Bytes after the last whole message that do not make a whole message yet. */
  rest: string;
}

/** The value of one field, or undefined; several lines are joined with ", ". */
export function field(m: { fields: readonly Field[] }, name: string): string | undefined {
  const v = fieldValues(m.fields, name);
  return v.length ? v.join(', ') : undefined;
}

const TOKEN_METHOD = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/;
const TARGET = /^[\x21-\x7e\x80-\xff]+$/;

function parseRequestLine(line: string, at: number): Pick<Request, 'method' | 'target' | 'version' | 'form'> {
  const parts = line.split(' ');
  if (parts.length !== 3) throw new Http1Error(`request line ${JSON.stringify(line.slice(0, 60))} is not "method SP target SP version"`, at, 'RFC 9112 §3');
  const [method, target, version] = parts as [string, string, string];
  if (!TOKEN_METHOD.test(method)) throw new Http1Error(`method ${JSON.stringify(method)} is not a token`, at, 'RFC 9112 §3.1');
  if (!TARGET.test(target)) throw new Http1Error('request target with whitespace or control bytes', at, 'RFC 9112 §3.2');
  if (!/^HTTP\/1\.[01]$/.test(version)) throw new Http1Error(`version ${JSON.stringify(version)} is not HTTP/1.0 or HTTP/1.1`, at, 'RFC 9112 §2.3');
  const form = target === '*' ? 'asterisk' : target.startsWith('/') ? 'origin' : /^[A-Za-z][A-Za-z0-9+.-]*:\/\//.test(target) ? 'absolute' : 'authority';
  return { method, target, version, form };
}

function readBody(bytes: string, pos: number, framing: Framing): { body: string; trailers: Field[]; extensions: string[]; end: number } | typeof NEED_MORE {
  if (framing.kind === 'chunked') return readChunked(bytes, pos);
  if (framing.kind === 'content-length') {
    if (bytes.length < pos + framing.length) return NEED_MORE;
    return { body: bytes.slice(pos, pos + framing.length), trailers: [], extensions: [], end: pos + framing.length };
  }
  if (framing.kind === 'close') return { body: bytes.slice(pos), trailers: [], extensions: [], end: bytes.length };
  return { body: '', trailers: [], extensions: [], end: pos };
}

function fail<T>(messages: T[], err: unknown, rest: string): Parsed<T> {
  if (!(err instanceof Http1Error)) throw err;
  return { messages, error: { message: err.message, offset: err.offset, rfc: err.rfc }, rest };
}

/** Every request in `bytes` (one connection's worth, as a server reads it). */
export function parseRequests(bytes: string): Parsed<Request> {
  const messages: Request[] = [];
  let pos = 0;
  try {
    while (pos < bytes.length) {
      const head = readHead(bytes, pos);
      if (head === NEED_MORE) break;
      const line = parseRequestLine(head.startLine, pos);
      const hosts = fieldValues(head.fields, 'host');
      if (line.version === 'HTTP/1.1' && hosts.length !== 1) throw new Http1Error(`${hosts.length} Host fields in an HTTP/1.1 request`, pos, 'RFC 9112 §3.2');
      const framing = framingOf(head.fields, line.version, 'none', pos);
      const body = readBody(bytes, head.end, framing);
      if (body === NEED_MORE) break;
      messages.push({ ...line, fields: head.fields, framing: framing.kind, ...body, start: pos, end: body.end });
      pos = body.end;
    }
  } catch (err) {
    return fail(messages, err, bytes.slice(pos));
  }
  return { messages, rest: bytes.slice(pos) };
}

/** Responses without a body whatever their fields say (RFC 9112 §6.3 items 1–2). */
function bodiless(status: number, method: string | undefined): boolean {
  return method === 'HEAD' || status < 200 || status === 204 || status === 304;
}

/** Every response in `bytes`, as a client that sent `methods` in order reads them. A response
 *  whose body stops short is returned with complete: false (the peer closed mid-body). */
export function parseResponses(bytes: string, methods: readonly string[] = []): Parsed<Response> {
  const messages: Response[] = [];
  let pos = 0;
  let answered = 0;
  try {
    while (pos < bytes.length) {
      const head = readHead(bytes, pos);
      if (head === NEED_MORE) break;
      const m = /^(HTTP\/1\.[01]) (\d{3}) ([\t\x20-\x7e\x80-\xff]*)$/.exec(head.startLine);
      if (!m) throw new Http1Error(`status line ${JSON.stringify(head.startLine.slice(0, 60))} is not "HTTP/1.x DDD reason"`, pos, 'RFC 9112 §4');
      const status = Number(m[2]);
      const framing: Framing = bodiless(status, methods[answered]) ? { kind: 'none' } : framingOf(head.fields, m[1]!, 'close', pos);
      const body = readBody(bytes, head.end, framing);
      const base = { version: m[1]!, status, reason: m[3]!, fields: head.fields, framing: framing.kind, start: pos };
      if (body === NEED_MORE) {
        messages.push({ ...base, body: bytes.slice(head.end), trailers: [], extensions: [], end: bytes.length, complete: false });
        return { messages, rest: '' };
      }
      messages.push({ ...base, ...body, complete: true });
      if (status >= 200) answered++;
      pos = body.end;
    }
  } catch (err) {
    return fail(messages, err, bytes.slice(pos));
  }
  return { messages, rest: bytes.slice(pos) };
}
