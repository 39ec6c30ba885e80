// Request framing cases as data (RFC 9112 §2.2, §3, §5, §6, §7; RFC 9110 §5.5, §7.6.1, §8.6), one
// list per check. Every request carries x-fulcrum-id; the last one asks to close so the exchange
// ends by itself. `requests` is what a strict RFC reading of the bytes yields.
import type { RequestCase } from './judge.ts';

const H = 'Host: fulcrum.test\r\n';
const id = (c: string, n = 1) => `x-fulcrum-id: ${c}-${n}\r\n`;
const one = (data: string) => [{ data }];
/** A plain follow-up request: if a balancer mis-frames the one before, this is where it shows. */
const next = (c: string, n = 2) => `GET /next HTTP/1.1\r\n${H}${id(c, n)}Connection: close\r\n\r\n`;
const CHUNKED_HELLO = '5\r\nhello\r\n0\r\n\r\n';
const EITHER: RequestCase['allowed'] = ['reject', 'forward'];
const REJECT: RequestCase['allowed'] = ['reject'];

function post(c: string, headers: string, body: string, version = 'HTTP/1.1'): string {
  return `POST /${c} ${version}\r\n${H}${id(c)}${headers}\r\n${body}`;
}

/** A body-carrying request and a follow-up; both must arrive as sent, or the first be rejected. */
function framed(name: string, headers: string, body: string, decoded: string, allowed: RequestCase['allowed'], rfc: string): RequestCase {
  return { name, pieces: one(post(name, headers, body) + next(name)), requests: [{ id: `${name}-1`, body: decoded }, { id: `${name}-2` }], allowed, rfc };
}


// CL+TE: Transfer-Encoding wins (§6.3 item 3); a balancer may reject or forward with CL removed.
// The Content-Length covers the chunked body and the follow-up, the classic CL.TE smuggle.
const smuggleLength = (c: string) => CHUNKED_HELLO.length + next(c).length;
const clTe = (name: string, headers: string): RequestCase => ({
  name,
  pieces: one(post(name, headers, CHUNKED_HELLO) + next(name)),
  requests: [{ id: `${name}-1`, body: 'hello' }, { id: `${name}-2` }],
  // §6.1: a server may reject or process by Transfer-Encoding alone, and MUST close the connection
  // after responding: the follow-up must never be served.
  allowed: ['reject', 'partial'],
  rfc: 'RFC 9112 §6.1, §6.3',
});
export const clTeCases: RequestCase[] = [
  clTe('cl-then-te', `Content-Length: ${smuggleLength('cl-then-te')}\r\nTransfer-Encoding: chunked\r\n`),
  clTe('te-then-cl', `Transfer-Encoding: chunked\r\nContent-Length: ${smuggleLength('te-then-cl')}\r\n`),
  // TE.CL: a short Content-Length with a chunked body.
  clTe('te-cl-short', 'Transfer-Encoding: chunked\r\nContent-Length: 3\r\n'),
  // HTTP/1.0 with Transfer-Encoding is faulty framing and the connection closes after it (§6.1):
  // which body the first request gets is left open, but the follow-up must never be served.
  {
    name: 'te-http10',
    pieces: one(post('te-http10', 'Transfer-Encoding: chunked\r\n', CHUNKED_HELLO, 'HTTP/1.0') + next('te-http10')),
    requests: [{ id: 'te-http10-1', body: null }, { id: 'te-http10-2' }],
    allowed: ['reject', 'partial'],
    rfc: 'RFC 9112 §6.1',
  },
];

export const contentLengthCases: RequestCase[] = [
  framed('cl-duplicate-same', 'Content-Length: 5\r\nContent-Length: 5\r\n', 'hello', 'hello', EITHER, 'RFC 9110 §8.6'),
  framed('cl-duplicate-differ', 'Content-Length: 5\r\nContent-Length: 6\r\n', 'hello!', 'hello', REJECT, 'RFC 9112 §6.3'),
  framed('cl-list-same', 'Content-Length: 5, 5\r\n', 'hello', 'hello', EITHER, 'RFC 9110 §8.6'),
  framed('cl-list-differ', 'Content-Length: 5, 6\r\n', 'hello!', 'hello', REJECT, 'RFC 9112 §6.3'),
  framed('cl-plus-sign', 'Content-Length: +5\r\n', 'hello', 'hello', REJECT, 'RFC 9110 §8.6'),
  framed('cl-hex', 'Content-Length: 0x5\r\n', 'hello', 'hello', REJECT, 'RFC 9110 §8.6'),
];

export const teObfuscationCases: RequestCase[] = [
  framed('te-case', 'Transfer-Encoding: CHUNKED\r\n', CHUNKED_HELLO, 'hello', EITHER, 'RFC 9112 §7'),
  framed('te-tab', 'Transfer-Encoding:\tchunked\r\n', CHUNKED_HELLO, 'hello', EITHER, 'RFC 9112 §5.1'),
  framed('te-xchunked', 'Transfer-Encoding: xchunked\r\n', CHUNKED_HELLO, 'hello', REJECT, 'RFC 9112 §6.3'),
  framed('te-chunked-identity', 'Transfer-Encoding: chunked, identity\r\n', CHUNKED_HELLO, 'hello', REJECT, 'RFC 9112 §6.3'),
  framed('te-coding-after-chunked', 'Transfer-Encoding: chunked\r\nTransfer-Encoding: gzip\r\n', CHUNKED_HELLO, 'hello', REJECT, 'RFC 9112 §6.3'),
  framed('te-twice', 'Transfer-Encoding: chunked, chunked\r\n', CHUNKED_HELLO, 'hello', REJECT, 'RFC 9112 §6.1'),
  framed('te-space-before-colon', 'Transfer-Encoding : chunked\r\n', CHUNKED_HELLO, 'hello', REJECT, 'RFC 9112 §5.1'),
];

export const lineCases: RequestCase[] = [
  { name: 'bare-lf', pieces: one(`GET /bare-lf HTTP/1.1\n${H.replace('\r', '')}${id('bare-lf').replace('\r', '')}Connection: close\n\n`), requests: [{ id: 'bare-lf-1' }], allowed: EITHER, rfc: 'RFC 9112 §2.2' },
  { name: 'bare-cr', pieces: one(`GET /bare-cr HTTP/1.1\r\n${H}X-A: a\rX-B: b\r\n${id('bare-cr')}\r\n${next('bare-cr')}`), requests: [{ id: 'bare-cr-1' }, { id: 'bare-cr-2' }], allowed: EITHER, rfc: 'RFC 9112 §2.2' },
  { name: 'obs-fold', pieces: one(`GET /obs-fold HTTP/1.1\r\n${H}X-Folded: a\r\n b\r\n${id('obs-fold')}\r\n${next('obs-fold')}`), requests: [{ id: 'obs-fold-1' }, { id: 'obs-fold-2' }], allowed: EITHER, rfc: 'RFC 9112 §5.2' },
  // A folded Content-Length: a balancer that unfolds it frames 5 bytes; one that ignores the fold frames none.
  framed('obs-fold-cl', 'Content-Length:\r\n 5\r\n', 'hello', 'hello', EITHER, 'RFC 9112 §5.2'),
];

export const controlByteCases: RequestCase[] = [
  { name: 'nul-in-value', pieces: one(`GET /nul HTTP/1.1\r\n${H}X-A: a\u0000b\r\n${id('nul-in-value')}\r\n${next('nul-in-value')}`), requests: [{ id: 'nul-in-value-1' }, { id: 'nul-in-value-2' }], allowed: EITHER, rfc: 'RFC 9110 §5.5' },
  { name: 'ctl-in-name', pieces: one(`GET /ctl HTTP/1.1\r\n${H}X-\u0001A: a\r\n${id('ctl-in-name')}\r\n${next('ctl-in-name')}`), requests: [{ id: 'ctl-in-name-1' }, { id: 'ctl-in-name-2' }], allowed: REJECT, rfc: 'RFC 9110 §5.1' },
  { name: 'space-before-colon', pieces: one(`GET /sp HTTP/1.1\r\n${H}X-A : a\r\n${id('space-before-colon')}\r\n${next('space-before-colon')}`), requests: [{ id: 'space-before-colon-1' }, { id: 'space-before-colon-2' }], allowed: REJECT, rfc: 'RFC 9112 §5.1' },
  { name: 'ctl-in-target', pieces: one(`GET /a\u0001b HTTP/1.1\r\n${H}${id('ctl-in-target')}\r\n${next('ctl-in-target')}`), requests: [{ id: 'ctl-in-target-1' }, { id: 'ctl-in-target-2' }], allowed: REJECT, rfc: 'RFC 9112 §3.2' },
];

const TE = 'Transfer-Encoding: chunked\r\n';
export const chunkCases: RequestCase[] = [
  framed('chunk-extension', TE, '5;name=value\r\nhello\r\n0\r\n\r\n', 'hello', EITHER, 'RFC 9112 §7.1.1'),
  framed('chunk-trailer', TE, '5\r\nhello\r\n0\r\nX-Trailer: t\r\n\r\n', 'hello', EITHER, 'RFC 9112 §7.1.2'),
  framed('chunk-size-0x', TE, '0x5\r\nhello\r\n0\r\n\r\n', 'hello', REJECT, 'RFC 9112 §7.1'),
  framed('chunk-size-space', TE, '5 \r\nhello\r\n0\r\n\r\n', 'hello', EITHER, 'RFC 9112 §7.1.1'),
  framed('chunk-size-overflow', TE, '10000000000000005\r\nhello\r\n0\r\n\r\n', 'hello', REJECT, 'RFC 9112 §7.1'),
  framed('chunk-size-negative', TE, '-5\r\nhello\r\n0\r\n\r\n', 'hello', REJECT, 'RFC 9112 §7.1'),
  framed('chunk-bad-extension', TE, '5;\u0001\r\nhello\r\n0\r\n\r\n', 'hello', EITHER, 'RFC 9112 §7.1.1'),
  framed('chunk-no-crlf-after-data', TE, '5\r\nhelloXX0\r\n\r\n', 'hello', REJECT, 'RFC 9112 §7.1'),
  framed('chunk-lf-only', TE, '5\nhello\n0\n\n', 'hello', EITHER, 'RFC 9112 §2.2'),
];

// RFC 9110 §7.6.1: Connection names hop-by-hop options; a balancer must never let that drop the
// framing or the Host, which would turn the body into a request of its own.
const smuggled = (c: string) => `GET /smuggled HTTP/1.1\r\n${H}x-fulcrum-id: ${c}-smuggled\r\n\r\n`;
export const connectionCases: RequestCase[] = [
  { name: 'connection-content-length', pieces: one(`GET /ccl HTTP/1.1\r\n${H}${id('connection-content-length')}Connection: content-length\r\nContent-Length: ${smuggled('connection-content-length').length}\r\n\r\n${smuggled('connection-content-length')}${next('connection-content-length')}`), requests: [{ id: 'connection-content-length-1', body: smuggled('connection-content-length') }, { id: 'connection-content-length-2' }], allowed: EITHER, rfc: 'RFC 9110 §7.6.1, RFC 9112 §6.3' },
  framed('connection-transfer-encoding', 'Connection: transfer-encoding\r\nTransfer-Encoding: chunked\r\n', `${smuggled('x').length.toString(16)}\r\n${smuggled('x')}\r\n0\r\n\r\n`, smuggled('x'), EITHER, 'RFC 9110 §7.6.1'),
  { name: 'connection-host', pieces: one(`GET /ch HTTP/1.1\r\n${H}${id('connection-host')}Connection: host\r\n\r\n${next('connection-host')}`), requests: [{ id: 'connection-host-1', host: 'fulcrum.test' }, { id: 'connection-host-2' }], allowed: EITHER, rfc: 'RFC 9110 §7.6.1, RFC 9112 §3.2' },
];

export const targetCases: RequestCase[] = [
  // The authority wins over Host (§3.2.2); the backend must see Host = the authority, path /abs.
  { name: 'absolute-form', pieces: one(`GET http://fulcrum.test/abs HTTP/1.1\r\nHost: other.test\r\n${id('absolute-form')}Connection: close\r\n\r\n`), requests: [{ id: 'absolute-form-1', path: '/abs', host: 'fulcrum.test' }], allowed: EITHER, rfc: 'RFC 9112 §3.2.2' },
  { name: 'no-host', pieces: one(`GET /nohost HTTP/1.1\r\n${id('no-host')}Connection: close\r\n\r\n`), requests: [{ id: 'no-host-1' }], allowed: REJECT, rfc: 'RFC 9112 §3.2' },
  { name: 'two-hosts', pieces: one(`GET /twohosts HTTP/1.1\r\n${H}Host: other.test\r\n${id('two-hosts')}Connection: close\r\n\r\n`), requests: [{ id: 'two-hosts-1' }], allowed: REJECT, rfc: 'RFC 9112 §3.2' },
];

export const flowCases: RequestCase[] = [
  // The body follows after a pause, as a client waiting for 100 Continue would send it.
  { name: 'expect-100-continue', pieces: [{ data: `POST /expect HTTP/1.1\r\n${H}${id('expect-100-continue')}Expect: 100-continue\r\nContent-Length: 5\r\nConnection: close\r\n\r\n` }, { data: 'hello', delayMs: 300 }], requests: [{ id: 'expect-100-continue-1', body: 'hello' }], allowed: ['forward'], rfc: 'RFC 9110 §10.1.1' },
  { name: 'pipelining', pieces: one(`GET /p1 HTTP/1.1\r\n${H}${id('pipelining')}\r\n${post('pipelining', 'Content-Length: 5\r\n', 'hello').replace(id('pipelining'), id('pipelining', 2))}${next('pipelining', 3)}`), requests: [{ id: 'pipelining-1' }, { id: 'pipelining-2', body: 'hello' }, { id: 'pipelining-3' }], allowed: ['forward', 'partial'], rfc: 'RFC 9112 §9.3.2' },
  // The backend declines (no 101), so what follows is a request to parse, never a tunnel: the
  // follow-up is ambiguous on purpose, so a balancer that tunnels it lets CL+TE through.
  { name: 'upgrade-declined', pieces: one(`GET /up HTTP/1.1\r\n${H}${id('upgrade-declined')}Connection: Upgrade\r\nUpgrade: fulcrum-nope\r\n\r\n${post('upgrade-declined', `Content-Length: ${smuggleLength('upgrade-declined')}\r\nTransfer-Encoding: chunked\r\nConnection: close\r\n`, CHUNKED_HELLO).replace(id('upgrade-declined'), id('upgrade-declined', 2))}${next('upgrade-declined', 3)}`), requests: [{ id: 'upgrade-declined-1' }, { id: 'upgrade-declined-2', body: 'hello' }], allowed: ['forward', 'partial'], rfc: 'RFC 9110 §7.8, RFC 9112 §6.3' },
];
