// h2load: its command line, and its summary and per-request log parsed from recorded output.
import { describe, expect, it } from 'vitest';
import { forEachH2loadRow, h2loadArgv, h2loadOutcome, parseH2loadSummary, parseH2loadVersion } from './h2load.ts';

// Recorded here: h2load nghttp2/1.52.0 --h1 -t1 -c16 -D 1 against a node:http server (progress lines cut).
const RECORDED_OK = `starting benchmark...
spawning thread #0: 16 total client(s). Timing-based test with 0s of warm-up time and 1s of main duration for measurements.
Application protocol: http/1.1
Stopped all clients for thread #0

finished in 1.00s, 38979.00 req/s, 4.61MB/s
requests: 38979 total, 38995 started, 38979 done, 38979 succeeded, 0 failed, 0 errored, 0 timeout
status codes: 38979 2xx, 0 3xx, 0 4xx, 0 5xx
traffic: 4.61MB (4833396) total, 3.24MB (3392217) headers (space savings 0.00%), 76.15KB (77982) data
                     min         max         mean         sd        +/- sd
time for request:       91us     12.77ms       408us       471us    94.93%
`;
// The same against a path answering 404, -c4; and a 300 ms run.
const RECORDED_404 = `finished in 1.00s, 46008.00 req/s, 5.75MB/s
requests: 46008 total, 46012 started, 46008 done, 0 succeeded, 46008 failed, 0 errored, 0 timeout
status codes: 0 2xx, 0 3xx, 46008 4xx, 0 5xx
`;

describe('h2load', () => {
  it('builds HTTP/1.1, one thread, one request per client, the duration in ms, the idle timeout and the log', () => {
    expect(h2loadArgv({ url: 'http://127.0.0.1:8080/', connections: 32, durationMs: 2000 }, '/tmp/x/requests.tsv', '/usr/bin/h2load')).toEqual([
      '/usr/bin/h2load', '--h1', '-t1', '-c32', '-m1', '-D2000ms', '-N10s', '--log-file=/tmp/x/requests.tsv', 'http://127.0.0.1:8080/',
    ]);
    expect(h2loadArgv({ url: 'http://127.0.0.1:1/', connections: 2, durationMs: 300, timeoutMs: 1500 }, 'l')).toContain('-D300ms');
    expect(h2loadArgv({ url: 'http://127.0.0.1:1/', connections: 2, durationMs: 300, timeoutMs: 1500 }, 'l')).toContain('-N2s');
  });

  it('parses the summary, in any unit of duration', () => {
    expect(parseH2loadSummary(RECORDED_OK)).toEqual({ seconds: 1, done: 38979, errored: 0, timeout: 0, status: { '2xx': 38979, '3xx': 0, '4xx': 0, '5xx': 0 } });
    expect(parseH2loadSummary(RECORDED_404.replace('1.00s', '307.95ms')).seconds).toBeCloseTo(0.30795, 6);
    expect(() => parseH2loadSummary('starting benchmark...\n')).toThrow(/no summary: starting benchmark/);
  });

  it('takes latencies and the timeline from the log, skipping failed streams (status -1)', () => {
    const t0 = 1796418866000000;
    const rows = [
      [t0, 200, 1000],
      [t0 + 100, 200, 3000],
      [t0 + 500_000, 200, 2000],
      [t0 + 1_200_000, 404, 4000],
      [t0 + 1_300_000, -1, 900_000],
    ];
    const log = `${rows.map((r) => r.join('\t')).join('\n')}\nnot a row\n`;
    const seen: number[] = [];
    forEachH2loadRow(log, (_s, status) => seen.push(status));
    expect(seen).toEqual([200, 200, 200, 404, -1]);
    const summary = 'finished in 2.00s, 2.50 req/s, 1KB/s\nrequests: 5 total, 5 started, 5 done, 3 succeeded, 2 failed, 1 errored, 0 timeout\nstatus codes: 3 2xx, 0 3xx, 1 4xx, 0 5xx\n';
    const o = h2loadOutcome(summary, log);
    expect([o.requests, o.errors, o.non2xx, o.measuredSeconds, o.rps]).toEqual([4, 1, 1, 2, 2]);
    expect(o.latencyMs.max).toBeCloseTo(4, 2);
    expect(o.latencyMs.p50).toBeCloseTo(2, 2);
    expect(o.timeline.map((p) => p.rps)).toEqual([3, 1]);
  });

  it('counts 3xx, 4xx and 5xx as non-2xx and reads its version', () => {
    expect(h2loadOutcome(RECORDED_404, '').non2xx).toBe(46008);
    expect(h2loadOutcome(RECORDED_OK, '').rps).toBe(38979);
    expect(parseH2loadVersion('h2load nghttp2/1.52.0\n')).toBe('h2load nghttp2/1.52.0');
  });
});
