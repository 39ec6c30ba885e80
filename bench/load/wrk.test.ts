// wrk: its command line, its report line parsed from recorded output, and one short real run
// against a local null server (skipped, with the reason, where wrk is not installed).
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { describe, expect, it } from 'vitest';
import { findOnPath } from './external.ts';
import { parseWrk, parseWrkVersion, wrk, wrkArgv, wrkSeconds, WRK_REPORT_LUA } from './wrk.ts';

// Recorded here: wrk debian/4.1.0-3+b2 -t1 -c16 -d1s -s report.lua against a node:http server.
const RECORDED_OK = `Running 1s test @ http://127.0.0.1:34211/
  1 threads and 16 connections
  Thread Stats   Avg      Stdev     Max   +/- Stdev
    Latency     0.88ms    1.78ms  27.78ms   93.62%
    Req/Sec    30.28k    15.31k   43.43k    70.00%
  30051 requests in 1.00s, 3.55MB read
Requests/sec:  29938.70
Transfer/sec:      3.54MB
FULCRUM_WRK {"requests":30051,"durationUs":1003751,"connect":0,"read":0,"write":0,"status":0,"timeout":0,"maxUs":27777,"meanUs":883.371,"p50Us":369,"p90Us":1827,"p99Us":6950,"p999Us":23503}
`;
// The same against a path answering 404, -c4.
const RECORDED_404 = `Running 1s test @ http://127.0.0.1:34211/404
  1 threads and 4 connections
  35770 requests in 1.00s, 4.47MB read
  Non-2xx or 3xx responses: 35770
Requests/sec:  35755.91
FULCRUM_WRK {"requests":35770,"durationUs":1000418,"connect":0,"read":0,"write":0,"status":35770,"timeout":0,"maxUs":4256,"meanUs":139.233,"p50Us":83,"p90Us":176,"p99Us":1299,"p999Us":3187}
`;

describe('wrk', () => {
  it('builds one thread, the connections, whole seconds, the timeout and the script', () => {
    expect(wrkArgv({ url: 'http://127.0.0.1:8080/', connections: 32, durationMs: 2000 }, '/tmp/x/report.lua', '/usr/bin/wrk')).toEqual([
      '/usr/bin/wrk', '-t1', '-c32', '-d2s', '--timeout', '10s', '-s', '/tmp/x/report.lua', 'http://127.0.0.1:8080/',
    ]);
    expect(wrkArgv({ url: 'http://127.0.0.1:1/', connections: 4, durationMs: 200, timeoutMs: 2500, closeConnections: true }, 's.lua')).toEqual([
      'wrk', '-t1', '-c4', '-d1s', '--timeout', '3s', '-H', 'Connection: close', '-s', 's.lua', 'http://127.0.0.1:1/',
    ]);
    expect([wrkSeconds(1), wrkSeconds(1000), wrkSeconds(1001), wrkSeconds(2000), wrkSeconds(2500)]).toEqual([1, 1, 2, 2, 3]);
  });

  it('parses the report line: req/s over wrk\'s own duration, percentiles in ms, status errors as non-2xx', () => {
    const o = parseWrk(RECORDED_OK);
    expect(o.requests).toBe(30051);
    expect(o.measuredSeconds).toBeCloseTo(1.003751, 6);
    expect(o.rps).toBeCloseTo(30051 / 1.003751, 3);
    expect(o.latencyMs).toEqual({ p50: 0.369, p90: 1.827, p99: 6.95, p999: 23.503, max: 27.777, mean: 0.883371 });
    expect([o.errors, o.non2xx, o.timeline]).toEqual([0, 0, []]);
    expect(parseWrk(RECORDED_404).non2xx).toBe(35770);
    expect(parseWrk(RECORDED_OK.replace('"read":0', '"read":3').replace('"timeout":0', '"timeout":2')).errors).toBe(5);
  });

  it('refuses output without a report line or with a broken one, quoting the output', () => {
    expect(() => parseWrk('unable to connect to 127.0.0.1:1 Connection refused\n')).toThrow(/no FULCRUM_WRK line: unable to connect/);
    expect(() => parseWrk('FULCRUM_WRK {"durationUs":1000000,"requests":-1}\n')).toThrow(/no valid "requests"/);
  });

  it('reads its version and the script prints every field the parser needs', () => {
    expect(parseWrkVersion('wrk debian/4.1.0-3+b2 [epoll] Copyright (C) 2012 Will Glozer\nUsage: wrk <options> <url>')).toBe('wrk debian/4.1.0-3+b2');
    for (const k of ['requests', 'durationUs', 'connect', 'read', 'write', 'status', 'timeout', 'maxUs', 'meanUs', 'p50Us', 'p90Us', 'p99Us', 'p999Us']) expect(WRK_REPORT_LUA).toContain(`"${k}"`);
  });

  const installed = findOnPath('wrk') !== undefined;
  it.skipIf(!installed)('drives a local null server for 1 s and parses the run (needs wrk on PATH, skipped without it)', async () => {
    const server = createServer((_req, res) => res.end('ok'));
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    try {
      const { port } = server.address() as AddressInfo;
      const o = await wrk.run({ url: `http://127.0.0.1:${port}/`, connections: 4, durationMs: 1000 });
      expect(o.requests).toBeGreaterThan(100);
      expect(o.measuredSeconds).toBeGreaterThan(0.9);
      expect(o.measuredSeconds).toBeLessThan(2);
      expect([o.errors, o.non2xx]).toEqual([0, 0]);
      expect(o.latencyMs.p50).toBeGreaterThan(0);
      expect(o.latencyMs.p99).toBeGreaterThanOrEqual(o.latencyMs.p50);
      expect(await wrk.version()).toMatch(/^wrk \S+/);
    } finally {
      server.close();
    }
  }, 10_000);
});
