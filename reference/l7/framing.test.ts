// Hostile and broken request framing against the proxy, judged from the wire: a raw client sends
// bytes, a raw backend records exactly what each upstream connection carried. For every case the
// backend sees only requests the client sent, each body framed as the client framed it, and a
// probe request sent afterwards (on the pooled upstream connection) gets its own answer.
// Test names say whether the proxy rejects (status) or normalises (and how) — RFC 9112 allows either
// for some of these.
import { afterEach, describe, expect, it } from 'vitest';
import type { HttpProxyOptions } from './proxy.ts';
import { rawBackend, rawProxy, rawRequest, type RawBackend, type SeenRequest } from './raw-test-support.ts';

const cleanups: Array<() => Promise<unknown> | unknown> = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

const rawSetup = (overrides: Partial<HttpProxyOptions> = {}, backend?: RawBackend) => rawProxy(cleanups, overrides, backend);

const H = 'Host: a.test\r\n';
const chunkedHello = '5\r\nhello\r\n0\r\n\r\n';
const smuggled = 'GET /smuggled HTTP/1.1\r\nHost: a.test\r\n\r\n';

/** What the backend got, without the proxy's own headers, for comparison. */
function seen(r: SeenRequest) {
  const framing = r.headers.filter(([n]) => /^(content-length|transfer-encoding|host)$/i.test(n)).map(([n, v]) => `${n.toLowerCase()}: ${v}`);
  return { method: r.method, target: r.target, framing, body: r.body };
}

/** Sends the probe on a new client connection; the proxy reuses its pooled upstream connection. */
async function probe(port: number, backend: RawBackend): Promise<void> {
  const before = backend.requests.length;
  const r = await rawRequest(port, `GET /probe HTTP/1.1\r\n${H}\r\n`, { responses: 1 });
  expect(r.statuses).toEqual([200]);
  expect(r.text).toMatch(/X-Path: \/probe\r\n/);
  expect(r.text).not.toMatch(/smuggled/);
  expect(backend.requests.slice(before).map((x) => x.target)).toEqual(['/probe']);
}

interface RejectCase {
  readonly name: string;
  readonly send: string;
  readonly status: number;
  /** The fault is in the body: the head may have gone upstream already, but never a whole request
   *  (the upstream connection is destroyed unfinished). */
  readonly inBody?: true;
}

const rejected: RejectCase[] = [
  { name: 'CL then TE', send: `POST / HTTP/1.1\r\n${H}Content-Length: 5\r\nTransfer-Encoding: chunked\r\n\r\n${chunkedHello}`, status: 400 },
  { name: 'TE then CL', send: `POST / HTTP/1.1\r\n${H}Transfer-Encoding: chunked\r\nContent-Length: 5\r\n\r\n${chunkedHello}`, status: 400 },
  { name: 'duplicate equal Content-Length', send: `POST / HTTP/1.1\r\n${H}Content-Length: 5\r\nContent-Length: 5\r\n\r\nhello`, status: 400 },
  { name: 'duplicate different Content-Length', send: `POST / HTTP/1.1\r\n${H}Content-Length: 5\r\nContent-Length: 40\r\n\r\nhello${smuggled}`, status: 400 },
  { name: 'list-valued Content-Length', send: `POST / HTTP/1.1\r\n${H}Content-Length: 5, 5\r\n\r\nhello`, status: 400 },
  { name: 'signed Content-Length', send: `POST / HTTP/1.1\r\n${H}Content-Length: +5\r\n\r\nhello`, status: 400 },
  { name: 'TE xchunked (an unknown coding, §6.1)', send: `POST / HTTP/1.1\r\n${H}Transfer-Encoding: xchunked\r\n\r\n${chunkedHello}`, status: 501 },
  { name: 'TE "chunked, identity" (chunked not last)', send: `POST / HTTP/1.1\r\n${H}Transfer-Encoding: chunked, identity\r\n\r\n${chunkedHello}`, status: 400 },
  { name: 'TE chunked then a second TE line with identity', send: `POST / HTTP/1.1\r\n${H}Transfer-Encoding: chunked\r\nTransfer-Encoding: identity\r\n\r\n${chunkedHello}`, status: 400 },
  { name: 'TE "gzip, chunked" (a coding before chunked we would pass on unnamed)', send: `POST / HTTP/1.1\r\n${H}Transfer-Encoding: gzip, chunked\r\n\r\n${chunkedHello}`, status: 501 },
  { name: 'TE gzip and TE chunked on two lines', send: `POST / HTTP/1.1\r\n${H}Transfer-Encoding: gzip\r\nTransfer-Encoding: chunked\r\n\r\n${chunkedHello}`, status: 501 },
  { name: 'TE name with a space before the colon', send: `POST / HTTP/1.1\r\n${H}Transfer-Encoding : chunked\r\n\r\n${chunkedHello}`, status: 400 },
  { name: 'TE on HTTP/1.0 (framing faulty, §6.1)', send: `POST / HTTP/1.0\r\n${H}Transfer-Encoding: chunked\r\n\r\n${chunkedHello}`, status: 400 },
  { name: 'obs-fold', send: `GET / HTTP/1.1\r\n${H}X-A: b\r\n c\r\n\r\n`, status: 400 },
  { name: 'obs-fold continuing Transfer-Encoding', send: `POST / HTTP/1.1\r\n${H}Transfer-Encoding:\r\n chunked\r\n\r\n${chunkedHello}`, status: 400 },
  { name: 'bare LF line ends', send: `GET / HTTP/1.1\n${H.replace('\r', '')}\n`, status: 400 },
  { name: 'bare LF inside the head', send: `GET / HTTP/1.1\r\nHost: a.test\nX-A: b\r\n\r\n`, status: 400 },
  { name: 'bare CR inside the head', send: `GET / HTTP/1.1\r\nHost: a.test\rX-A: b\r\n\r\n`, status: 400 },
  { name: 'NUL in a header value', send: `GET / HTTP/1.1\r\n${H}X-A: b\0c\r\n\r\n`, status: 400 },
  { name: 'control byte in a header value', send: `GET / HTTP/1.1\r\n${H}X-A: b\x01c\r\n\r\n`, status: 400 },
  { name: 'DEL in a header value', send: `GET / HTTP/1.1\r\n${H}X-A: b\x7fc\r\n\r\n`, status: 400 },
  { name: 'control byte in a header name', send: `GET / HTTP/1.1\r\n${H}X\x01A: b\r\n\r\n`, status: 400 },
  { name: 'NUL in a header name', send: `GET / HTTP/1.1\r\n${H}X\0A: b\r\n\r\n`, status: 400 },
  { name: 'control byte in the target', send: `GET /a\x01b HTTP/1.1\r\n${H}\r\n`, status: 400 },
  { name: 'chunk size 0x5', send: `POST / HTTP/1.1\r\n${H}Transfer-Encoding: chunked\r\n\r\n0x5\r\nhello\r\n0\r\n\r\n`, status: 400, inBody: true },
  { name: 'negative chunk size', send: `POST / HTTP/1.1\r\n${H}Transfer-Encoding: chunked\r\n\r\n-5\r\nhello\r\n0\r\n\r\n`, status: 400, inBody: true },
  { name: 'chunk size overflow', send: `POST / HTTP/1.1\r\n${H}Transfer-Encoding: chunked\r\n\r\nFFFFFFFFFFFFFFFFF5\r\nhello\r\n0\r\n\r\n`, status: 400, inBody: true },
  { name: 'chunk size with trailing space', send: `POST / HTTP/1.1\r\n${H}Transfer-Encoding: chunked\r\n\r\n5 \r\nhello\r\n0\r\n\r\n`, status: 400, inBody: true },
  { name: 'chunk extension with a bare LF', send: `POST / HTTP/1.1\r\n${H}Transfer-Encoding: chunked\r\n\r\n5;a\nb\r\nhello\r\n0\r\n\r\n`, status: 400, inBody: true },
  { name: 'chunk data longer than its size', send: `POST / HTTP/1.1\r\n${H}Transfer-Encoding: chunked\r\n\r\n5\r\nhelloXX\r\n0\r\n\r\n`, status: 400, inBody: true },
  { name: 'Content-Length in the trailers', send: `POST / HTTP/1.1\r\n${H}Transfer-Encoding: chunked\r\n\r\n5\r\nhello\r\n0\r\nContent-Length: 99\r\n\r\n`, status: 400, inBody: true },
  { name: 'two Host lines', send: `GET / HTTP/1.1\r\n${H}Host: b.test\r\n\r\n`, status: 400 },
  { name: 'invalid Host value', send: `GET / HTTP/1.1\r\nHost: a b/c\r\n\r\n`, status: 400 },
  { name: 'no Host on HTTP/1.1', send: `GET / HTTP/1.1\r\n\r\n`, status: 400 },
  { name: 'absolute-form with userinfo', send: `GET http://u@a.test/ HTTP/1.1\r\n${H}\r\n`, status: 400 },
  { name: 'authority-form on GET', send: `GET a.test:80 HTTP/1.1\r\n${H}\r\n`, status: 400 },
  { name: 'HTTP/2.0 in a request line', send: `GET / HTTP/2.0\r\n${H}\r\n`, status: 505 },
  { name: 'HTTP/0.9 style request', send: `GET /\r\n\r\n`, status: 505 },
  { name: 'CONNECT', send: `CONNECT a.test:443 HTTP/1.1\r\nHost: a.test:443\r\n\r\n`, status: 501 },
];

describe('request framing the proxy rejects (nothing reaches a backend, connection closed)', () => {
  it.each(rejected)('$name → rejected $status', async ({ send, status, inBody }) => {
    const { port, backend } = await rawSetup();
    const r = await rawRequest(port, send + smuggled);
    expect(r.statuses).toEqual([status]);
    expect(r.closed).toBe(true);
    expect(backend.requests).toEqual([]);
    if (!inBody) expect(backend.bytes.join('')).toBe('');
    await probe(port, backend);
    // The probe went on a fresh upstream connection when the failed one had carried anything.
    expect(backend.requests.at(-1)!.connection).toBe(backend.bytes.length - 1);
  });
});

interface NormaliseCase {
  readonly name: string;
  readonly send: string;
  /** The requests the backend must see, in order (framing headers and Host only). */
  readonly backend: ReturnType<typeof seen>[];
  readonly statuses?: number[];
}

const normalised: NormaliseCase[] = [
  {
    name: 'GET with a body and "Connection: content-length" (the smuggling hole) → Content-Length kept, body sent as a body',
    send: `GET / HTTP/1.1\r\n${H}Connection: content-length\r\nContent-Length: ${smuggled.length}\r\n\r\n${smuggled}`,
    backend: [{ method: 'GET', target: '/', framing: ['host: a.test', `content-length: ${smuggled.length}`], body: smuggled }],
  },
  {
    name: 'chunked body with "Connection: transfer-encoding" → still chunked',
    send: `POST / HTTP/1.1\r\n${H}Connection: transfer-encoding\r\nTransfer-Encoding: chunked\r\n\r\n${chunkedHello}`,
    backend: [{ method: 'POST', target: '/', framing: ['host: a.test', 'transfer-encoding: chunked'], body: 'hello' }],
  },
  {
    name: '"Connection: host" → Host kept',
    send: `GET / HTTP/1.1\r\n${H}Connection: host, x-drop\r\nX-Drop: 1\r\n\r\n`,
    backend: [{ method: 'GET', target: '/', framing: ['host: a.test'], body: '' }],
  },
  {
    name: 'TE "ChUnKeD" → re-framed as "chunked"',
    send: `POST / HTTP/1.1\r\n${H}Transfer-Encoding: ChUnKeD\r\n\r\n${chunkedHello}`,
    backend: [{ method: 'POST', target: '/', framing: ['host: a.test', 'transfer-encoding: chunked'], body: 'hello' }],
  },
  {
    name: 'TE with spaces and a tab around "chunked" → re-framed as "chunked"',
    send: `POST / HTTP/1.1\r\n${H}Transfer-Encoding: \t chunked \r\n\r\n${chunkedHello}`,
    backend: [{ method: 'POST', target: '/', framing: ['host: a.test', 'transfer-encoding: chunked'], body: 'hello' }],
  },
  {
    name: 'chunk extensions → dropped, data re-chunked',
    send: `POST / HTTP/1.1\r\n${H}Transfer-Encoding: chunked\r\n\r\n5;a=b;c="d"\r\nhello\r\n0;x\r\n\r\n`,
    backend: [{ method: 'POST', target: '/', framing: ['host: a.test', 'transfer-encoding: chunked'], body: 'hello' }],
  },
  {
    name: 'trailers → dropped (RFC 9110 §6.5.1 lets a proxy discard them)',
    send: `POST / HTTP/1.1\r\n${H}Transfer-Encoding: chunked\r\n\r\n5\r\nhello\r\n0\r\nX-Trailer: 1\r\n\r\n`,
    backend: [{ method: 'POST', target: '/', framing: ['host: a.test', 'transfer-encoding: chunked'], body: 'hello' }],
  },
  {
    name: 'Content-Length: 0 → sent as Content-Length: 0',
    send: `POST / HTTP/1.1\r\n${H}Content-Length: 0\r\n\r\n`,
    backend: [{ method: 'POST', target: '/', framing: ['host: a.test', 'content-length: 0'], body: '' }],
  },
  {
    name: 'absolute-form target → origin-form with Host from the authority (§3.2.2)',
    send: `GET http://x.example:81/p?q=1 HTTP/1.1\r\nHost: other.test\r\n\r\n`,
    backend: [{ method: 'GET', target: '/p?q=1', framing: ['host: x.example:81'], body: '' }],
  },
  {
    name: 'absolute-form with an empty path → "/"',
    send: `GET http://x.example HTTP/1.1\r\nHost: x.example\r\n\r\n`,
    backend: [{ method: 'GET', target: '/', framing: ['host: x.example'], body: '' }],
  },
  {
    name: 'pipelined requests → forwarded and answered in order',
    send: `GET /1 HTTP/1.1\r\n${H}\r\nPOST /2 HTTP/1.1\r\n${H}Content-Length: 2\r\n\r\nhiGET /3 HTTP/1.1\r\n${H}\r\n`,
    backend: [
      { method: 'GET', target: '/1', framing: ['host: a.test'], body: '' },
      { method: 'POST', target: '/2', framing: ['host: a.test', 'content-length: 2'], body: 'hi' },
      { method: 'GET', target: '/3', framing: ['host: a.test'], body: '' },
    ],
    statuses: [200, 200, 200],
  },
];

describe('request framing the proxy normalises (the backend sees exactly what the client sent, framed by the proxy)', () => {
  it.each(normalised)('$name', async ({ send, backend: expected, statuses }) => {
    const { port, backend } = await rawSetup();
    const r = await rawRequest(port, send, { responses: (statuses ?? [200]).length });
    expect(r.statuses).toEqual(statuses ?? [200]);
    // Each answer names its own request's target, in the order they were sent.
    expect([...r.text.matchAll(/X-Path: (\S+)/g)].map((m) => m[1])).toEqual(expected.map((e) => e.target));
    expect(backend.requests.map(seen)).toEqual(expected);
    expect(backend.garbage.join('')).toBe('');
    await probe(port, backend);
  });

  it('pipelined requests: order kept in answers even when the first backend answer is slow', async () => {
    const b = await rawBackend((req, socket) => {
      const answer = `HTTP/1.1 200 OK\r\nX-Path: ${req.target}\r\nContent-Length: 0\r\n\r\n`;
      if (req.target === '/slow') setTimeout(() => socket.write(answer), 150);
      else return answer;
      return undefined;
    });
    const { port } = await rawSetup({}, b);
    const r = await rawRequest(port, `GET /slow HTTP/1.1\r\n${H}\r\nGET /fast HTTP/1.1\r\n${H}\r\n`, { responses: 2 });
    expect([...r.text.matchAll(/X-Path: (\S+)/g)].map((m) => m[1])).toEqual(['/slow', '/fast']);
  });

  it('a pipelining client that leaves with answers still queued: every exchange ends (leases released, close() not stuck)', async () => {
    const slow = await rawBackend((_req, socket) => {
      setTimeout(() => socket.writable && socket.write('HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n'), 100);
      return undefined;
    });
    const { port, proxy } = await rawSetup({}, slow);
    await rawRequest(port, `GET /1 HTTP/1.1\r\n${H}\r\nGET /2 HTTP/1.1\r\n${H}\r\nGET /3 HTTP/1.1\r\n${H}\r\n`, { idleMs: 30 });
    await new Promise((r) => setTimeout(r, 200));
    expect(proxy.inFlight).toBe(0);
  });

  it('a pipelined request the parser rejects after a good one → the good one is answered first, then 400 and closed', async () => {
    const slow = await rawBackend((req, socket) => {
      setTimeout(() => socket.write(`HTTP/1.1 200 OK\r\nX-Path: ${req.target}\r\nContent-Length: 0\r\n\r\n`), 100);
      return undefined;
    });
    const { port, backend } = await rawSetup({}, slow);
    const r = await rawRequest(port, `GET /1 HTTP/1.1\r\n${H}\r\nGET /2 HTTP/1.1\r\n${H}Content-Length: 1\r\nContent-Length: 2\r\n\r\n${smuggled}`);
    expect(backend.requests.map((x) => x.target)).toEqual(['/1']);
    expect(r.statuses).toEqual([200, 400]);
    expect(r.text).toMatch(/X-Path: \/1\r\n/);
    expect(r.closed).toBe(true);
  });

  it('Expect: 100-continue → the proxy answers 100 itself, the backend gets the body without Expect', async () => {
    const { port, backend } = await rawSetup();
    const r = await rawRequest(port, [`POST /up HTTP/1.1\r\n${H}Expect: 100-continue\r\nContent-Length: 5\r\n\r\n`, 'hello'], { gapMs: 100, responses: 2 });
    expect(r.statuses).toEqual([100, 200]);
    expect(backend.requests.map(seen)).toEqual([{ method: 'POST', target: '/up', framing: ['host: a.test', 'content-length: 5'], body: 'hello' }]);
    expect(backend.requests[0]!.headers.some(([n]) => n.toLowerCase() === 'expect')).toBe(false);
  });

  it('Upgrade declined by the backend with bytes after the head → the bytes never reach a backend, connection closed', async () => {
    const { port, backend } = await rawSetup();
    const r = await rawRequest(port, `GET /up HTTP/1.1\r\n${H}Connection: upgrade\r\nUpgrade: foo\r\n\r\n${smuggled}`);
    expect(r.statuses).toEqual([200]);
    expect(r.text).toMatch(/X-Path: \/up\r\n/);
    expect(r.closed).toBe(true);
    expect(backend.requests.map((x) => x.target)).toEqual(['/up']);
    expect(backend.bytes.join('')).not.toMatch(/smuggled/);
    await probe(port, backend);
  });

  it('Upgrade with a body → rejected 400', async () => {
    const { port, backend } = await rawSetup();
    const r = await rawRequest(port, `POST /up HTTP/1.1\r\n${H}Connection: upgrade\r\nUpgrade: foo\r\nContent-Length: ${smuggled.length}\r\n\r\n${smuggled}`);
    expect(r.statuses).toEqual([400]);
    expect(backend.requests).toEqual([]);
  });

  it('a client that leaves mid-body: the upstream connection is closed, never reused with the body half sent', async () => {
    const { port, backend } = await rawSetup();
    await rawRequest(port, `POST /cut HTTP/1.1\r\n${H}Content-Length: 100\r\n\r\nonly-part`, { idleMs: 200 });
    await new Promise((r) => setTimeout(r, 100));
    await probe(port, backend);
    expect(backend.requests.map((x) => x.target)).toEqual(['/probe']);
    expect(backend.bytes.length).toBe(2);
    expect(backend.bytes[1]).toMatch(/^GET \/probe HTTP\/1\.1\r\n/);
  });
});
