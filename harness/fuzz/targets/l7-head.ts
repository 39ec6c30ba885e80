// The L7 proxy's head handling (reference/l7 through reference/index.ts) on what llhttp makes of arbitrary
// bytes, as the proxy's node:http server would hand it over. Requests: the strict head check
// (inspectRequestHead), its body framing and the upstream header rewrite; responses: the downstream
// rewrite and the hand-written head of the upgrade path (relayedResponseHead).
// Properties: nothing throws; every header name and value passed on is one node:http accepts (else the
// proxy's own http.request throws); no hop-by-hop header goes on except the proxy's own framing. For a
// head the check accepts: its framing is what llhttp framed (a length as sent, or chunked; no body is no
// body), and the upstream headers carry exactly one framing header matching it (none for no body; Node
// adds Content-Length: 0 itself where a method needs one) and exactly one Host (RFC 9112 §6, §3.2; RFC
// 9110 §7.6.1: Connection may not nominate them away); a relayed head is a three-digit status line that
// parses back to its headers, and only a status no status line can carry is refused.
import { validateHeaderName, validateHeaderValue } from 'node:http';
import { l7 } from '../../../reference/index.ts';
import { ascii, expectThat, type FuzzTarget } from '../target.ts';
import { parseMessages, type ParsedHead } from './llhttp.ts';

const { downstreamResponseHeaders, inspectRequestHead, relayedResponseHead, upgradeRequestHeaders, upstreamRequestHeaders } = l7;
const HOP = new Set(['connection', 'keep-alive', 'proxy-connection', 'te', 'trailer', 'transfer-encoding', 'upgrade']);
const CLIENT = { address: '127.10.0.1', proto: 'http' as const };
const BACKEND = '127.30.0.1:8080';
/** Bounds far under the proxy's defaults, so inputs of at most maxLength bytes reach 413, 414 and 431 too. */
const LIMITS: l7.RequestLimits = { headerBytes: 512, headers: 16, urlBytes: 128, body: 256 };

function values(raw: readonly string[], name: string): string[] {
  const out: string[] = [];
  for (let i = 0; i < raw.length; i += 2) if (raw[i]!.toLowerCase() === name) out.push(raw[i + 1]!);
  return out;
}

function acceptable(out: readonly string[], what: string): void {
  expectThat(out.length % 2 === 0, () => `${what}: odd header array`);
  for (let i = 0; i < out.length; i += 2) {
    try {
      validateHeaderName(out[i]!);
      validateHeaderValue(out[i]!, out[i + 1]!);
    } catch (err) {
      expectThat(false, () => `${what}: node:http refuses ${JSON.stringify(out[i])}: ${JSON.stringify(out[i + 1])} (${(err as Error).message})`);
    }
  }
}

function noHopByHop(up: readonly string[], body: l7.BodyFraming | undefined): void {
  for (let i = 0; i < up.length; i += 2) {
    const lower = up[i]!.toLowerCase();
    const ownFraming = lower === 'transfer-encoding' && body?.kind === 'chunked' && up[i + 1] === 'chunked';
    expectThat(!HOP.has(lower) || ownFraming, () => `hop-by-hop ${up[i]}: ${up[i + 1]} sent upstream`);
  }
}

/** The verdict's framing is what llhttp framed, and the upstream head carries exactly it. */
function checkFraming(h: ParsedHead, body: l7.BodyFraming, up: readonly string[]): void {
  const chunkedIn = values(h.rawHeaders, 'transfer-encoding').length > 0;
  const lengthIn = values(h.rawHeaders, 'content-length');
  const expected = chunkedIn ? 'chunked' : lengthIn.length > 0 ? `length ${Number(lengthIn[0])}` : 'none';
  const got = body.kind === 'length' ? `length ${body.length}` : body.kind;
  expectThat(got === expected, () => `the head check frames the body as ${got}, llhttp as ${expected} (${JSON.stringify(h.rawHeaders)})`);
  if (h.complete) expectThat(body.kind !== 'none' || h.bodyBytes === 0, () => `a request with a ${h.bodyBytes}-byte body is taken as bodiless`);
  if (h.complete && body.kind === 'length') expectThat(h.bodyBytes === body.length, () => `Content-Length ${body.length} framed, llhttp read ${h.bodyBytes} bytes`);
  const lengths = values(up, 'content-length');
  const codings = values(up, 'transfer-encoding');
  const framing = [...lengths.map((v) => `length ${v}`), ...codings];
  const want = body.kind === 'none' ? [] : [got];
  expectThat(JSON.stringify(framing) === JSON.stringify(want), () => `the request body loses its framing upstream: ${JSON.stringify(framing)} for ${got} (in: ${JSON.stringify(h.rawHeaders)}, out: ${JSON.stringify(up)})`);
}

/** The strict head check on a head as llhttp parsed it, within the target's bounds. */
export function headVerdict(h: ParsedHead): l7.HeadVerdict {
  return inspectRequestHead({ method: h.method ?? '', url: h.url, httpVersion: `${h.versionMajor}.${h.versionMinor}`, rawHeaders: h.rawHeaders }, LIMITS);
}

function checkRequest(h: ParsedHead): void {
  const raw = h.rawHeaders;
  const verdict = headVerdict(h);
  if (!verdict.ok) {
    expectThat([400, 413, 414, 431, 501, 505].includes(verdict.status) && verdict.reason !== '', () => `refused with ${verdict.status} "${verdict.reason}"`);
    // The rewrite still must not throw or emit what node:http refuses, whatever it is given.
    const up = upstreamRequestHeaders(raw, CLIENT, { fallbackHost: BACKEND });
    acceptable(up, 'upstream request (refused head)');
    noHopByHop(up, undefined);
    return;
  }
  const up = upstreamRequestHeaders(raw, CLIENT, { fallbackHost: BACKEND, authority: verdict.authority, body: verdict.body });
  acceptable(up, 'upstream request');
  noHopByHop(up, verdict.body);
  checkFraming(h, verdict.body, up);
  const hostIn = values(raw, 'host');
  const hostWant = verdict.authority ?? hostIn[0] ?? BACKEND;
  expectThat(JSON.stringify(values(up, 'host')) === JSON.stringify([hostWant]), () => `Host ${JSON.stringify(hostIn)} sent upstream as ${JSON.stringify(values(up, 'host'))}, not [${JSON.stringify(hostWant)}]`);
  if (h.upgrade) acceptable(upgradeRequestHeaders(raw, CLIENT, { fallbackHost: BACKEND, authority: verdict.authority }), 'upgrade request');
}

function checkResponse(h: ParsedHead): void {
  const down = downstreamResponseHeaders(h.rawHeaders);
  acceptable(down, 'downstream response');
  for (let i = 0; i < down.length; i += 2) expectThat(!HOP.has(down[i]!.toLowerCase()), () => `hop-by-hop ${down[i]} sent to the client`);
  const head = relayedResponseHead(h.status, 'Switching Protocols', down);
  if (head === undefined) {
    expectThat(h.status < 100 || h.status > 999, () => `status ${h.status} refused by relayedResponseHead`);
    return;
  }
  expectThat(/^HTTP\/1\.1 [0-9]{3} /.test(head), () => `the status line ${JSON.stringify(head.split('\r\n')[0])} for status ${h.status} is not three digits`);
  const again = parseMessages(Buffer.from(head, 'latin1'), 'response');
  expectThat(!again.error && again.heads.length === 1 && JSON.stringify(again.heads[0]!.rawHeaders) === JSON.stringify(down), () => `the hand-written head ${JSON.stringify(head)} parses back differently`);
}

export const l7HeadTarget: FuzzTarget = {
  name: 'l7-head',
  title: 'L7 proxy head handling: llhttp heads through reference/l7 inspectRequestHead and its body framing, upstream/downstream header rewrites, relayedResponseHead',
  maxLength: 4096,
  dictionary: [
    'GET ', 'POST ', 'HTTP/1.1\r\n', 'HTTP/1.0\r\n', 'HTTP/1.1 200 OK\r\n', '\r\n', '\r\n\r\n', ': ', ',', ' ', '\t', '\n', '\r', '\x00',
    'Host: a\r\n', 'Content-Length: ', 'Content-Length: 5\r\n', 'Transfer-Encoding: chunked\r\n', 'Transfer-Encoding: ', 'chunked', 'identity', 'gzip',
    'Connection: ', 'close', 'keep-alive', 'Upgrade', 'Upgrade: websocket\r\n', 'content-length', 'host', 'transfer-encoding', 'x-forwarded-for',
    'Expect: 100-continue\r\n', 'Trailer: x\r\n', 'TE: trailers\r\n', 'Forwarded: for=1.2.3.4\r\n', 'X-Forwarded-For: 1.2.3.4\r\n',
    '0\r\n\r\n', '5\r\nhello\r\n', 'ff;ext=1\r\n', 'http://example.com/p', '\xff', '\x7f',
  ].map(ascii),
  fixups: [
    // Content-Length: make the first one match the bytes after the head
    (b) => {
      const s = Buffer.from(b).toString('latin1');
      const end = s.indexOf('\r\n\r\n');
      const m = /content-length: *\d*/i.exec(s);
      if (end < 0 || m === null || m.index > end) return b;
      const body = s.length - end - 4;
      return ascii(s.slice(0, m.index) + `Content-Length: ${body}` + s.slice(m.index + m[0].length));
    },
  ],
  check(input) {
    const buf = Buffer.from(input.buffer, input.byteOffset, input.length);
    for (const h of parseMessages(buf, 'request').heads) checkRequest(h);
    for (const h of parseMessages(buf, 'response').heads) checkResponse(h);
  },
};
