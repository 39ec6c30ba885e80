import { describe, expect, it } from 'vitest';
import { judgeRequests, type RequestCase } from './judge.ts';
import type { Observed } from './wire.ts';

const c: RequestCase = { name: 'x', pieces: [], requests: [{ id: 'x-1', body: 'hello' }, { id: 'x-2' }], allowed: ['reject', 'partial'], rfc: 'RFC 9112 §6.1' };
const req = (id: string, body = '') => `POST / HTTP/1.1\r\nHost: a\r\nx-fulcrum-id: ${id}\r\nContent-Length: ${body.length}\r\n\r\n${body}`;
const res = (id: string) => `HTTP/1.1 200 OK\r\nx-fulcrum-backend: b1\r\nx-fulcrum-id: ${id}\r\nContent-Length: 0\r\n\r\n`;
const seen = (client: string, ...backend: { bytes: string; closed?: boolean }[]): Observed => ({
  client: { ok: true, bytes: client, end: 'closed', written: 1, local: { host: '127.10.0.1', port: 1 }, elapsedMs: 1 },
  backend: backend.map((b) => ({ peer: { address: '127.20.0.1', port: 2 }, at: 0, bytes: b.bytes, truncated: false, closed: b.closed ?? false })),
});

describe('request-side judging', () => {
  it('accepts a rejection and a prefix answered before closing, when the case allows them', () => {
    expect(judgeRequests(c, seen('HTTP/1.1 400 Bad Request\r\nContent-Length: 0\r\n\r\n'))).toMatchObject({ ok: true, outcome: 'rejected (HTTP 400)' });
    expect(judgeRequests(c, seen(res('x-1'), { bytes: req('x-1', 'hello') }))).toMatchObject({ ok: true, outcome: 'answered 1 of 2, then closed' });
  });

  it('fails a follow-up served where the case says the connection must close', () => {
    expect(judgeRequests(c, seen(res('x-1') + res('x-2'), { bytes: req('x-1', 'hello') + req('x-2') })).outcome).toMatch(/^forwarded; a correct balancer must reject it or answer a prefix/);
  });

  it('fails a smuggled request, a body framed differently, and a response for another request', () => {
    expect(judgeRequests(c, seen(res('x-1'), { bytes: req('x-1', 'hello') + req('evil') })).outcome).toMatch(/id evil .* never sent as a request \(smuggled\)/);
    expect(judgeRequests(c, seen(res('x-1'), { bytes: req('x-1', 'hell') })).outcome).toMatch(/body "hell", the client sent "hello" \(framed differently\)/);
    expect(judgeRequests(c, seen(res('other'), { bytes: req('x-1', 'hello') })).outcome).toMatch(/response for other, which belongs to another request/);
    expect(judgeRequests(c, seen('', { bytes: req('x-1', 'hello') })).outcome).toMatch(/the backend got 1 requests, the client was answered for 0/);
  });

  it('tells an aborted upload (backend connection closed) from a cut request left open', () => {
    const cut = req('x-1', 'hello').slice(0, -2);
    expect(judgeRequests(c, seen('HTTP/1.1 400 Bad Request\r\nContent-Length: 0\r\n\r\n', { bytes: cut, closed: true }))).toMatchObject({ ok: true, outcome: 'rejected (HTTP 400); the upload to the backend was aborted' });
    expect(judgeRequests(c, seen('HTTP/1.1 400 Bad Request\r\nContent-Length: 0\r\n\r\n', { bytes: cut })).outcome).toMatch(/do not make a whole request, on a connection left open/);
  });
});
