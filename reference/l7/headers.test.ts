import { describe, expect, it } from 'vitest';
import { downstreamResponseHeaders, forwardedNode, unmapAddress, upgradeRequestHeaders, upstreamRequestHeaders } from './headers.ts';
import { rawResponseHead, relayedResponseHead } from './raw-reply.ts';

const pairs = (flat: string[]) => flat.reduce<string[][]>((acc, v, i) => (i % 2 ? acc[acc.length - 1]!.push(v) : acc.push([v]), acc), []);

describe('upstreamRequestHeaders', () => {
  it('removes hop-by-hop headers and those Connection names, keeps the rest in order and case', () => {
    const raw = [
      'Host', 'example.test',
      'Connection', 'keep-alive, X-Secret, Upgrade',
      'Keep-Alive', 'timeout=5',
      'X-Secret', 'hidden',
      'Proxy-Connection', 'keep-alive',
      'TE', 'trailers',
      'Trailer', 'X-Checksum',
      'Upgrade', 'websocket',
      'Accept', 'text/plain',
      'accept', 'text/html',
      'Content-Length', '3',
    ];
    expect(pairs(upstreamRequestHeaders(raw, { address: '127.10.0.1', proto: 'http' }, { body: { kind: 'length', length: 3 } }))).toEqual([
      ['Host', 'example.test'],
      ['Accept', 'text/plain'],
      ['accept', 'text/html'],
      ['X-Forwarded-For', '127.10.0.1'],
      ['X-Forwarded-Proto', 'http'],
      ['Forwarded', 'for=127.10.0.1;proto=http'],
      ['Content-Length', '3'],
    ]);
  });

  it('appends the client to existing X-Forwarded-For and Forwarded (all instances, in order) and replaces X-Forwarded-Proto', () => {
    const raw = [
      'X-Forwarded-For', '203.0.113.7',
      'Forwarded', 'for=203.0.113.7',
      'X-Forwarded-Proto', 'https',
      'x-forwarded-for', '198.51.100.2, 198.51.100.3',
      'Forwarded', 'for="[2001:db8::1]";proto=https',
    ];
    expect(pairs(upstreamRequestHeaders(raw, { address: '::ffff:127.10.0.2', proto: 'http' }))).toEqual([
      ['X-Forwarded-For', '203.0.113.7, 198.51.100.2, 198.51.100.3, 127.10.0.2'],
      ['X-Forwarded-Proto', 'http'],
      ['Forwarded', 'for=203.0.113.7, for="[2001:db8::1]";proto=https, for=127.10.0.2;proto=http'],
    ]);
  });

  it('adds Host for a client that sent none (HTTP/1.0), and keeps a client Host as it is', () => {
    expect(pairs(upstreamRequestHeaders(['Accept', '*/*'], { address: '127.0.0.1', proto: 'http' }, { fallbackHost: '127.30.0.1:80' })).slice(0, 2)).toEqual([
      ['Accept', '*/*'],
      ['Host', '127.30.0.1:80'],
    ]);
    expect(pairs(upstreamRequestHeaders(['host', 'a.test'], { address: '127.0.0.1', proto: 'http' }, { fallbackHost: '127.30.0.1:80' }))[0]).toEqual(['host', 'a.test']);
    expect(upstreamRequestHeaders(['host', 'a.test'], { address: '127.0.0.1', proto: 'http' }, { fallbackHost: '127.30.0.1:80' }).filter((h) => h.toLowerCase() === 'host')).toHaveLength(1);
  });

  it('quotes and brackets IPv6 clients in Forwarded', () => {
    const out = pairs(upstreamRequestHeaders([], { address: '::1', proto: 'https' }));
    expect(out).toEqual([
      ['X-Forwarded-For', '::1'],
      ['X-Forwarded-Proto', 'https'],
      ['Forwarded', 'for="[::1]";proto=https'],
    ]);
  });

  it('re-frames a chunked request body as chunked and drops Expect', () => {
    const raw = ['Transfer-Encoding', 'chunked', 'Expect', '100-continue'];
    const out = pairs(upstreamRequestHeaders(raw, { address: '127.0.0.1', proto: 'http' }, { body: { kind: 'chunked' } }));
    expect(out.at(-1)).toEqual(['Transfer-Encoding', 'chunked']);
    expect(out.some(([n]) => n!.toLowerCase() === 'expect')).toBe(false);
  });

  it('never drops framing or Host because Connection names them, and frames the body itself', () => {
    const raw = ['Host', 'h.test', 'Connection', 'content-length, host, transfer-encoding, x-a', 'Content-Length', '5', 'X-A', '1'];
    const out = pairs(upstreamRequestHeaders(raw, { address: '127.0.0.1', proto: 'http' }, { body: { kind: 'length', length: 5 } }));
    expect(out.filter(([n]) => ['host', 'content-length'].includes(n!.toLowerCase()))).toEqual([
      ['Host', 'h.test'],
      ['Content-Length', '5'],
    ]);
    expect(out.some(([n]) => n === 'X-A')).toBe(false);
  });

  it('sends only the framing the proxy chose: a stale client Content-Length never goes through', () => {
    const raw = ['Content-Length', '5', 'Transfer-Encoding', 'chunked'];
    expect(upstreamRequestHeaders(raw, { address: '127.0.0.1', proto: 'http' }).filter((h) => /content-length|transfer-encoding/i.test(h))).toEqual([]);
  });

  it('replaces Host with the authority of an absolute-form target', () => {
    const out = pairs(upstreamRequestHeaders(['Host', 'other.test'], { address: '127.0.0.1', proto: 'http' }, { authority: 'a.test:81' }));
    expect(out[0]).toEqual(['Host', 'a.test:81']);
    const noHost = pairs(upstreamRequestHeaders([], { address: '127.0.0.1', proto: 'http' }, { authority: 'a.test', fallbackHost: '127.30.0.1:80' }));
    expect(noHost.filter(([n]) => n === 'Host')).toEqual([['Host', 'a.test']]);
  });
});

describe('downstreamResponseHeaders', () => {
  it('removes hop-by-hop and Connection-named headers, keeps repeated Set-Cookie', () => {
    const raw = [
      'Content-Length', '2',
      'Content-Type', 'text/plain',
      'Connection', 'keep-alive, X-Internal, Content-Length',
      'Keep-Alive', 'timeout=5',
      'Transfer-Encoding', 'chunked',
      'X-Internal', '1',
      'Set-Cookie', 'a=1',
      'Set-Cookie', 'b=2',
    ];
    expect(pairs(downstreamResponseHeaders(raw))).toEqual([
      ['Content-Length', '2'],
      ['Content-Type', 'text/plain'],
      ['Set-Cookie', 'a=1'],
      ['Set-Cookie', 'b=2'],
    ]);
  });
});

describe('addresses', () => {
  it('unmaps v4-mapped IPv6 and formats Forwarded nodes', () => {
    expect(unmapAddress('::ffff:10.1.2.3')).toBe('10.1.2.3');
    expect(unmapAddress('::ffff:a01:203')).toBe('::ffff:a01:203');
    expect(forwardedNode('10.1.2.3')).toBe('10.1.2.3');
    expect(forwardedNode('2001:db8::7')).toBe('"[2001:db8::7]"');
    expect(forwardedNode(undefined)).toBe('unknown');
  });
});

describe('upgrade heads', () => {
  it('keeps the Upgrade token and asks the backend to switch', () => {
    const raw = ['Host', 'h', 'Connection', 'keep-alive, Upgrade', 'Upgrade', 'websocket', 'Sec-WebSocket-Key', 'k'];
    expect(pairs(upgradeRequestHeaders(raw, { address: '127.0.0.1', proto: 'http' }))).toEqual([
      ['Host', 'h'],
      ['Sec-WebSocket-Key', 'k'],
      ['X-Forwarded-For', '127.0.0.1'],
      ['X-Forwarded-Proto', 'http'],
      ['Forwarded', 'for=127.0.0.1;proto=http'],
      ['Connection', 'Upgrade'],
      ['Upgrade', 'websocket'],
    ]);
  });

  it('writes a response head by hand', () => {
    expect(rawResponseHead(101, 'Switching Protocols', ['Upgrade', 'websocket', 'Connection', 'Upgrade'])).toBe(
      'HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n\r\n',
    );
  });

  it('relays only a status a status line can carry (llhttp reads "001" as 1)', () => {
    expect(relayedResponseHead(101, 'Switching Protocols', [])).toBe('HTTP/1.1 101 Switching Protocols\r\n\r\n');
    expect(relayedResponseHead(999, 'x', [])).toBe('HTTP/1.1 999 x\r\n\r\n');
    for (const status of [0, 1, 99, 1000]) expect(relayedResponseHead(status, 'OK', [])).toBeUndefined();
  });
});
