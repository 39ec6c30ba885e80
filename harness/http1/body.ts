// Message body framing (RFC 9112 §6, §7): which framing a head declares, and reading a body
// framed that way. Strict: Transfer-Encoding and Content-Length together, several or list-valued
// Content-Length, and a Transfer-Encoding whose last coding is not chunked are errors (§6.3).
import { Http1Error, NEED_MORE, TOKEN, fieldList, fieldValues, parseField, readLine, type Field } from './head.ts';

export type Framing = { kind: 'none' } | { kind: 'content-length'; length: number } | { kind: 'chunked' } | { kind: 'close' };

export interface Body {
  body: string;
  trailers: Field[];
  /** Chunk extensions seen, as written (without the ';'). */
  extensions: string[];
  end: number;
}

/** Framing from the fields. `otherwise` is what applies without either field (requests: none; responses: close). */
export function framingOf(fields: readonly Field[], version: string, otherwise: 'none' | 'close', at: number): Framing {
  const te = fieldValues(fields, 'transfer-encoding');
  const cl = fieldValues(fields, 'content-length');
  if (te.length > 0) {
    if (cl.length > 0) throw new Http1Error('both Transfer-Encoding and Content-Length', at, 'RFC 9112 §6.3');
    if (version === 'HTTP/1.0') throw new Http1Error('Transfer-Encoding in an HTTP/1.0 message', at, 'RFC 9112 §6.1');
    const codings = fieldList(fields, 'transfer-encoding').map((c) => c.toLowerCase());
    for (const c of codings) if (!TOKEN.test(c.split(';')[0]!.trim())) throw new Http1Error(`transfer coding ${JSON.stringify(c)} is not a token`, at, 'RFC 9112 §7');
    if (codings.at(-1) !== 'chunked') throw new Http1Error(`Transfer-Encoding "${te.join(', ')}" does not end in chunked`, at, 'RFC 9112 §6.3');
    if (codings.filter((c) => c === 'chunked').length > 1) throw new Http1Error('chunked applied more than once', at, 'RFC 9112 §6.1');
    return { kind: 'chunked' };
  }
  if (cl.length > 1) throw new Http1Error(`${cl.length} Content-Length fields`, at, 'RFC 9110 §8.6');
  if (cl.length === 1) {
    const v = cl[0]!;
    if (!/^\d{1,15}$/.test(v)) throw new Http1Error(`Content-Length ${JSON.stringify(v)} is not one decimal number`, at, 'RFC 9110 §8.6');
    return { kind: 'content-length', length: Number(v) };
  }
  return { kind: otherwise };
}

const CHUNK_EXT = /^(?:[ \t]*;[ \t]*[!#$%&'*+\-.^_`|~0-9A-Za-z]+(?:[ \t]*=[ \t]*(?:[!#$%&'*+\-.^_`|~0-9A-Za-z]+|"(?:[^"\\\x00-\x08\x0a-\x1f\x7f]|\\[\t\x20-\x7e\x80-\xff])*"))?)*$/;

/** A chunked body from `at` (§7.1): hex sizes, optional well-formed extensions, CRLF after each
 *  chunk's data, a last chunk of 0 and trailer fields. */
export function readChunked(bytes: string, at: number): Body | typeof NEED_MORE {
  let pos = at;
  let body = '';
  const extensions: string[] = [];
  for (;;) {
    const l = readLine(bytes, pos);
    if (l === NEED_MORE) return NEED_MORE;
    const m = /^([0-9A-Fa-f]+)(.*)$/.exec(l.line);
    if (!m || m[1]!.length > 15) throw new Http1Error(`chunk size line ${JSON.stringify(l.line.slice(0, 40))} is not a hex number`, pos, 'RFC 9112 §7.1');
    if (m[2] && !CHUNK_EXT.test(m[2])) throw new Http1Error(`malformed chunk extension ${JSON.stringify(m[2].slice(0, 40))}`, pos, 'RFC 9112 §7.1.1');
    if (m[2]) extensions.push(m[2].replace(/^[ \t]*;/, ''));
    const size = parseInt(m[1]!, 16);
    pos = l.next;
    if (size === 0) break;
    if (bytes.length < pos + size + 2) return NEED_MORE;
    body += bytes.slice(pos, pos + size);
    if (bytes.slice(pos + size, pos + size + 2) !== '\r\n') throw new Http1Error('chunk data not followed by CRLF', pos + size, 'RFC 9112 §7.1');
    pos += size + 2;
  }
  const trailers: Field[] = [];
  for (;;) {
    const l = readLine(bytes, pos);
    if (l === NEED_MORE) return NEED_MORE;
    if (l.line === '') return { body, trailers, extensions, end: l.next };
    trailers.push(parseField(l.line, pos));
    pos = l.next;
  }
}
