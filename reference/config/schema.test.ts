import { describe, expect, it } from 'vitest';
import { parseConfig } from './load.ts';
import { ConfigError } from './errors.ts';
import { parseSize } from './schema.ts';

const listener = (extra: string) => `
version: 1
listeners:
  - name: web
    mode: http
    listen: 127.0.0.1:0
${extra}
    backends: [{ id: b1, address: "127.0.0.1:8081" }]
`;

function problems(yaml: string): string[] {
  try {
    parseConfig(yaml, 'lb.yaml');
  } catch (err) {
    if (err instanceof ConfigError) return [...err.problems];
    throw err;
  }
  return [];
}

describe('listener limits and timeouts', () => {
  it('has safe defaults', () => {
    const c = parseConfig(listener(''), 'lb.yaml');
    expect(c.listeners[0]!.limits).toEqual({ headerBytes: 16_384, headers: 100, urlBytes: 8192 });
    expect(c.listeners[0]!.timeouts.header).toBe(10_000);
  });

  it('takes sizes as bytes or with a unit', () => {
    const c = parseConfig(listener('    limits: { headerBytes: 32k, headers: 50, urlBytes: "4KiB", body: 1m, connections: 500 }'), 'lb.yaml');
    expect(c.listeners[0]!.limits).toEqual({ headerBytes: 32_768, headers: 50, urlBytes: 4096, body: 1_048_576, connections: 500 });
    expect(parseSize('10')).toBe(10);
    expect(parseSize('1.5m')).toBeUndefined();
  });

  it('names the field of a bad limit', () => {
    expect(problems(listener('    limits: { headers: 0 }'))).toEqual([expect.stringMatching(/^listeners\[0\]\.limits\.headers: /)]);
    expect(problems(listener('    limits: { headerBytes: lots }'))).toEqual(['listeners[0].limits.headerBytes: "lots" is not a size in bytes (use 8192, "16k" or "1m")']);
    expect(problems(listener('    limits: { urlBytes: 2 }'))).toEqual(['listeners[0].limits.urlBytes: 2 bytes is outside 16..1048576']);
    expect(problems(listener('    limits: { connections: -1 }'))).toEqual([expect.stringMatching(/^listeners\[0\]\.limits\.connections: /)]);
    expect(problems(listener('    limits: { bodyBytes: 1 }'))).toEqual([expect.stringMatching(/^listeners\[0\]\.limits: .*bodyBytes/)]);
  });

  it('rejects a zero header timeout', () => {
    expect(problems(listener('    timeouts: { header: 0 }'))).toEqual(['listeners[0].timeouts.header: must be more than 0']);
  });
});

describe('health intervals and timeouts', () => {
  it('rejects zero and negative values, naming the field', () => {
    expect(problems(listener('    health: { type: tcp, interval: 0 }'))).toEqual(['listeners[0].health.interval: must be more than 0']);
    expect(problems(listener('    health: { type: tcp, interval: 0s }'))).toEqual(['listeners[0].health.interval: must be more than 0']);
    expect(problems(listener('    health: { type: tcp, timeout: 0ms }'))).toEqual(['listeners[0].health.timeout: must be more than 0']);
    expect(problems(listener('    health: { type: tcp, interval: -5 }'))).toEqual(['listeners[0].health.interval: "-5" is not a duration (use 500, "500ms", "2s" or "1m")']);
    expect(problems(listener('    health: { type: tcp, interval: "-1s" }'))).toEqual(['listeners[0].health.interval: "-1s" is not a duration (use 500, "500ms", "2s" or "1m")']);
    expect(problems(listener('    health: { type: tcp, interval: 250ms, timeout: 100 }'))).toEqual([]);
  });
});

describe('http2, tls and upstream protocol', () => {
  it('defaults to HTTP/1.1 both ways and fills the HTTP/2 limits', () => {
    expect(parseConfig(listener(''), 'lb.yaml').listeners[0]!.upstream).toEqual({ protocol: 'h1' });
    expect(parseConfig(listener('    http2: {}'), 'lb.yaml').listeners[0]!.http2).toEqual({ enabled: true, maxConcurrentStreams: 100, maxHeaderListSize: 16_384, initialWindowSize: 65_535 });
  });

  it('names the field that does not fit', () => {
    expect(problems(listener('    upstream: { protocol: h2 }'))).toEqual(['listeners[0].upstream.tls: is required for protocol h2 (HTTP/2 over TLS); use h2c for cleartext']);
    expect(problems(listener('    upstream: { protocol: h2c, tls: {} }'))).toEqual(['listeners[0].upstream.tls: is not for protocol h2c (cleartext); use h2 for HTTP/2 over TLS']);
    expect(problems(listener('    tls: { certificates: [] }'))).toEqual(['listeners[0].tls.certificates: needs at least one certificate']);
    expect(problems(listener('    tls: { certificates: [{ cert: a, key: b }], minVersion: TLSv1.3, maxVersion: TLSv1.2 }'))).toEqual(['listeners[0].tls.maxVersion: is below tls.minVersion']);
    expect(problems(listener('    http2: { maxConcurrentStreams: 0 }'))).toEqual([expect.stringMatching(/^listeners\[0\]\.http2\.maxConcurrentStreams: /)]);
    const tcp = listener('    http2: {}').replace('mode: http', 'mode: tcp');
    expect(problems(tcp)).toEqual(['listeners[0].http2: is only for mode http']);
  });
});
