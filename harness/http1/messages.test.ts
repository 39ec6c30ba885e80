import { describe, expect, it } from 'vitest';
import { field, parseRequests, parseResponses } from './index.ts';

// RFC 9110 §1.2 / RFC 9112 §1 example exchange.
const RFC_REQUEST = 'GET /hello.txt HTTP/1.1\r\nUser-Agent: curl/7.64.1\r\nHost: www.example.com\r\nAccept-Language: en, mi\r\n\r\n';
const RFC_BODY = 'Hello World! My content includes a trailing CRLF.\r\n';
const RFC_RESPONSE =
  'HTTP/1.1 200 OK\r\nDate: Mon, 27 Jul 2009 12:28:53 GMT\r\nServer: Apache\r\nLast-Modified: Wed, 22 Jul 2009 19:15:56 GMT\r\n' +
  `ETag: "34aa387-d-1568eb00"\r\nAccept-Ranges: bytes\r\nContent-Length: ${RFC_BODY.length}\r\nVary: Accept-Encoding\r\nContent-Type: text/plain\r\n\r\n${RFC_BODY}`;

const post = (headers: string, body: string) => `POST /u HTTP/1.1\r\nHost: a\r\n${headers}\r\n${body}`;
const errorOf = (bytes: string) => parseRequests(bytes).error;

describe('strict HTTP/1.1 requests', () => {
  it('parses the RFC 9110 example request and pipelined requests in order', () => {
    const r = parseRequests(RFC_REQUEST + RFC_REQUEST.replace('/hello.txt', '/two'));
    expect(r.error).toBeUndefined();
    expect(r.messages.map((m) => [m.method, m.target, m.form, m.framing])).toEqual([
      ['GET', '/hello.txt', 'origin', 'none'],
      ['GET', '/two', 'origin', 'none'],
    ]);
    expect(field(r.messages[0]!, 'accept-language')).toBe('en, mi');
    expect(r.rest).toBe('');
  });

  it('decodes chunked bodies with extensions and trailers (RFC 9112 §7.1)', () => {
    const r = parseRequests(post('Transfer-Encoding: chunked\r\n', '4;name=value\r\nWiki\r\n5;q="a b"\r\npedia\r\n0\r\nExpires: never\r\n\r\n'));
    expect(r.error).toBeUndefined();
    expect(r.messages[0]).toMatchObject({ framing: 'chunked', body: 'Wikipedia', extensions: ['name=value', 'q="a b"'], trailers: [{ name: 'Expires', value: 'never' }] });
  });

  it('frames by Content-Length and keeps what follows as the next request', () => {
    const r = parseRequests(post('Content-Length: 5\r\n', 'helloGET /x HTTP/1.1\r\nHost: a\r\n\r\n'));
    expect(r.messages.map((m) => [m.target, m.body])).toEqual([['/u', 'hello'], ['/x', '']]);
  });

  it('keeps an incomplete message as rest, not an error', () => {
    const r = parseRequests(post('Content-Length: 10\r\n', 'abc'));
    expect(r).toMatchObject({ messages: [], rest: expect.stringContaining('POST') });
    expect(r.error).toBeUndefined();
  });

  it('rejects ambiguous framing (RFC 9112 §6.3, RFC 9110 §8.6)', () => {
    expect(errorOf(post('Content-Length: 3\r\nTransfer-Encoding: chunked\r\n', '0\r\n\r\n'))?.rfc).toBe('RFC 9112 §6.3');
    expect(errorOf(post('Content-Length: 3\r\nContent-Length: 3\r\n', 'abc'))?.message).toMatch(/2 Content-Length/);
    expect(errorOf(post('Content-Length: 3, 3\r\n', 'abc'))?.message).toMatch(/not one decimal/);
    expect(errorOf(post('Content-Length: +3\r\n', 'abc'))?.message).toMatch(/not one decimal/);
    expect(errorOf(post('Transfer-Encoding: chunked, identity\r\n', '0\r\n\r\n'))?.message).toMatch(/does not end in chunked/);
    expect(errorOf(post('Transfer-Encoding: xchunked\r\n', '0\r\n\r\n'))?.message).toMatch(/does not end in chunked/);
    expect(errorOf('POST / HTTP/1.0\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n')?.rfc).toBe('RFC 9112 §6.1');
    // Coding names are case-insensitive (RFC 9112 §7): this is valid.
    expect(errorOf(post('Transfer-Encoding: Chunked\r\n', '0\r\n\r\n'))).toBeUndefined();
  });

  it('rejects bad line endings, obs-fold, whitespace before colon and control bytes (§2.2, §5)', () => {
    expect(errorOf('GET / HTTP/1.1\nHost: a\n\n')?.message).toBe('bare LF as a line ending');
    expect(errorOf('GET / HTTP/1.1\r\nHost: a\rX: y\r\n\r\n')?.message).toBe('bare CR in a line');
    expect(errorOf('GET / HTTP/1.1\r\nHost: a\r\nX-A: b\r\n c\r\n\r\n')?.rfc).toBe('RFC 9112 §5.2');
    expect(errorOf('GET / HTTP/1.1\r\nHost : a\r\n\r\n')?.rfc).toBe('RFC 9112 §5.1');
    expect(errorOf('GET / HTTP/1.1\r\nHost: a\r\nX: a\u0000b\r\n\r\n')?.rfc).toBe('RFC 9110 §5.5');
    expect(errorOf('GET / HTTP/1.1\r\nHo\u0001st: a\r\n\r\n')?.rfc).toBe('RFC 9110 §5.1');
  });

  it('rejects bad chunk sizes and extensions (§7.1)', () => {
    expect(errorOf(post('Transfer-Encoding: chunked\r\n', '0x5\r\nhello\r\n0\r\n\r\n'))?.message).toMatch(/chunk/);
    expect(errorOf(post('Transfer-Encoding: chunked\r\n', ' 5\r\nhello\r\n0\r\n\r\n'))?.message).toMatch(/not a hex number/);
    expect(errorOf(post('Transfer-Encoding: chunked\r\n', '5;\u0001\r\nhello\r\n0\r\n\r\n'))?.message).toMatch(/extension/);
    expect(errorOf(post('Transfer-Encoding: chunked\r\n', '5\r\nhelloXX0\r\n\r\n'))?.message).toMatch(/not followed by CRLF/);
    expect(errorOf(post('Transfer-Encoding: chunked\r\n', 'fffffffffffffffff\r\n'))?.message).toMatch(/not a hex number/);
  });

  it('requires exactly one Host in HTTP/1.1 and names absolute-form targets (§3.2)', () => {
    expect(errorOf('GET / HTTP/1.1\r\n\r\n')?.message).toMatch(/0 Host/);
    expect(errorOf('GET / HTTP/1.1\r\nHost: a\r\nHost: b\r\n\r\n')?.message).toMatch(/2 Host/);
    expect(parseRequests('GET http://a/x HTTP/1.1\r\nHost: a\r\n\r\n').messages[0]?.form).toBe('absolute');
    expect(errorOf('GET / HTTP/2.0\r\nHost: a\r\n\r\n')?.rfc).toBe('RFC 9112 §2.3');
  });
});

describe('strict HTTP/1.1 responses', () => {
  it('parses the RFC 9110 example response', () => {
    const r = parseResponses(RFC_RESPONSE, ['GET']);
    expect(r.error).toBeUndefined();
    expect(r.messages[0]).toMatchObject({ status: 200, reason: 'OK', framing: 'content-length', body: RFC_BODY, complete: true });
  });

  it('skips the body of HEAD, 1xx, 204 and 304, and reads close-delimited bodies to the end', () => {
    const r = parseResponses('HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\nHTTP/1.1 200 OK\r\n\r\nrest', ['HEAD', 'GET']);
    expect(r.messages.map((m) => [m.status, m.body, m.framing])).toEqual([[100, '', 'none'], [200, '', 'none'], [200, 'rest', 'close']]);
  });

  it('marks a body that stops short as incomplete, and rejects a malformed status line', () => {
    const r = parseResponses('HTTP/1.1 200 OK\r\nContent-Length: 100\r\n\r\nshort');
    expect(r.messages[0]).toMatchObject({ complete: false, body: 'short' });
    expect(parseResponses('HTTP/1.1 2x0 OK\r\n\r\n').error?.rfc).toBe('RFC 9112 §4');
  });
});
