import { describe, expect, it } from 'vitest';
import { Pool } from '../pool/index.ts';
import { testRoundRobin, fixedClock } from '../pool/test-support.ts';
import { escapeLabel, prometheusText } from './prometheus.ts';
import { statsSnapshot } from './stats.ts';

function sample() {
  const pool = new Pool(
    [
      { id: 'b1', host: '127.30.0.1', port: 8001, weight: 1 },
      { id: 'b2', host: '::1', port: 8002, weight: 3 },
    ],
    testRoundRobin(),
    () => 0,
  );
  pool.acquire(fixedClock); // b1 active
  pool.acquire(fixedClock)!.release({ ok: false }); // b2 failed once
  pool.setHealthy('b2', false);
  pool.get('b1')!.lastCheck = { ok: true, at: Date.UTC(2026, 0, 2, 3, 4, 5), detail: 'http 200' };
  return statsSnapshot([{ name: 'web', mode: 'http', listen: '127.20.0.1:8080', algorithm: 'rr', pool }]);
}

describe('statsSnapshot', () => {
  it('reports state, counters and the last health check per backend', () => {
    expect(sample()).toEqual({
      listeners: [
        {
          name: 'web',
          mode: 'http',
          listen: '127.20.0.1:8080',
          algorithm: 'rr',
          backends: [
            {
              id: 'b1', address: '127.30.0.1:8001', weight: 1, state: 'up', active: 1, requests: 1, failures: 0, bytesIn: 0, bytesOut: 0,
              health: { ok: true, at: Date.UTC(2026, 0, 2, 3, 4, 5), atIso: '2026-01-02T03:04:05.000Z', detail: 'http 200' },
            },
            { id: 'b2', address: '[::1]:8002', weight: 3, state: 'down', active: 0, requests: 1, failures: 1, bytesIn: 0, bytesOut: 0, health: null },
          ],
        },
      ],
    });
  });
});

describe('prometheusText', () => {
  it('writes one family per metric with HELP/TYPE and a sample per backend', () => {
    const text = prometheusText(sample());
    const samples = text.split('\n').filter((l) => l !== '' && !l.startsWith('#'));
    expect(samples.filter((l) => /^fulcrum_backend_(up|active|requests_total|failures_total)\{/.test(l))).toEqual([
      'fulcrum_backend_up{listener="web",backend="b1"} 1',
      'fulcrum_backend_up{listener="web",backend="b2"} 0',
      'fulcrum_backend_active{listener="web",backend="b1"} 1',
      'fulcrum_backend_active{listener="web",backend="b2"} 0',
      'fulcrum_backend_requests_total{listener="web",backend="b1"} 1',
      'fulcrum_backend_requests_total{listener="web",backend="b2"} 1',
      'fulcrum_backend_failures_total{listener="web",backend="b1"} 0',
      'fulcrum_backend_failures_total{listener="web",backend="b2"} 1',
    ]);
    expect(text).toContain('# TYPE fulcrum_backend_up gauge\n');
    expect(text).toContain('# TYPE fulcrum_backend_requests_total counter\n');
    expect(text.endsWith('\n')).toBe(true);
    // Every non-comment line is "name{labels} number".
    for (const l of samples) expect(l).toMatch(/^[a-z_]+\{listener="[^"]*",backend="[^"]*"\} \d+$/);
  });

  it('escapes label values', () => {
    expect(escapeLabel('a"b\\c\nd')).toBe('a\\"b\\\\c\\nd');
  });
});
