// The L7 proxy's head handling (reference/l7/index.ts) on what llhttp makes of arbitrary bytes, as the
// proxy's node:http server would hand it over. Requests: requestHasBody and the upstream header rewrite;
// responses: the downstream rewrite and the hand-written head of the upgrade path.
// Properties: nothing throws; every header name and value passed on is one node:http accepts (else the
// proxy's own http.request throws); no hop-by-hop header goes on except the proxy's own; a request whose
// body llhttp framed keeps its framing (Content-Length as sent, or chunked) and its Host (RFC 9112 §6,
// RFC 9110 §7.6.1: Connection may not nominate them away); a hand-written head parses back to its headers.
import { validateHeaderName, validateHeaderValue } from 'node:http';
import { downstreamResponseHeaders, rawResponseHead, requestHasBody, upgradeRequestHeaders, upstreamRequestHeaders } from '../../../reference/l7/index.ts';
import { ascii, expectThat, type FuzzTarget } from '../target.ts';
import { parseMessages, type ParsedHead } from './llhttp.ts';

const HOP = new Set(['connection', 'keep-alive', 'proxy-connection', 'te', 'trailer', 'transfer-encoding', 'upgrade']);
const CLIENT = { address: '127.10.0.1', proto: 'http' as const };

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

function checkRequest(h: ParsedHead): void {
  const raw = h.rawHeaders;
  const hasBody = requestHasBody(raw);
  const up = upstreamRequestHeaders(raw, CLIENT, '127.30.0.1:8080');
  acceptable(up, 'upstream request');
  const te = values(up, 'transfer-encoding');
  for (let i = 0; i < up.length; i += 2) {
    const lower = up[i]!.toLowerCase();
    expectThat(!HOP.has(lower) || (lower === 'transfer-encoding' && te.length === 1 && te[0] === 'chunked'), () => `hop-by-hop ${up[i]}: ${up[i + 1]} sent upstream`);
  }
  const chunkedIn = values(raw, 'transfer-encoding').length > 0;
  const lengthIn = values(raw, 'content-length');
  if (h.bodyBytes > 0 || chunkedIn) {
    expectThat(hasBody, () => `a request with a ${chunkedIn ? 'chunked' : `${h.bodyBytes}-byte`} body is taken as bodiless`);
    const framed = te.length === 1 || (lengthIn.length > 0 && values(up, 'content-length').join() === lengthIn.join());
    expectThat(framed, () => `the request body loses its framing upstream (in: ${JSON.stringify(raw)}, out: ${JSON.stringify(up)})`);
  }
  const hostIn = values(raw, 'host');
  if (hostIn.length > 0) expectThat(values(up, 'host').join() === hostIn.join(), () => `Host ${JSON.stringify(hostIn)} sent upstream as ${JSON.stringify(values(up, 'host'))}`);
  else expectThat(values(up, 'host').length === 1, () => 'a request without Host goes upstream without one');
  if (h.upgrade) acceptable(upgradeRequestHeaders(raw, CLIENT, '127.30.0.1:8080'), 'upgrade request');
}

function checkResponse(h: ParsedHead): void {
  const down = downstreamResponseHeaders(h.rawHeaders);
  acceptable(down, 'downstream response');
  for (let i = 0; i < down.length; i += 2) expectThat(!HOP.has(down[i]!.toLowerCase()), () => `hop-by-hop ${down[i]} sent to the client`);
  const head = rawResponseHead(h.status, 'Switching Protocols', down);
  expectThat(/^HTTP\/1\.1 [0-9]{3} /.test(head), () => `the status line ${JSON.stringify(head.split('\r\n')[0])} for status ${h.status} is not three digits`);
  const again = parseMessages(Buffer.from(head, 'latin1'), 'response');
  expectThat(!again.error && again.heads.length === 1 && JSON.stringify(again.heads[0]!.rawHeaders) === JSON.stringify(down), () => `the hand-written head ${JSON.stringify(head)} parses back differently`);
}

export const l7HeadTarget: FuzzTarget = {
  name: 'l7-head',
  title: 'L7 proxy head handling: llhttp heads through reference/l7 requestHasBody, upstream/downstream header rewrites, rawResponseHead',
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
