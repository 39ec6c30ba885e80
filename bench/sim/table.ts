// The summary `fulcrum simulate` prints: one line per algorithm (medians over repetitions for the
// percentiles, sums for counts), and the simulator's own speed. Pure text from a bench@1 run.
import type { BenchRun } from '../../reports/schema/index.ts';

const med = (xs: number[]): number => {
  const s = [...xs].sort((a, b) => a - b);
  const m = Math.floor(s.length / 2);
  return s.length === 0 ? 0 : s.length % 2 ? (s[m] as number) : ((s[m - 1] as number) + (s[m] as number)) / 2;
};

const num = (n: number, digits = 3): string => (Math.abs(n) >= 1000 ? Math.round(n).toLocaleString('en-US') : Number(n.toPrecision(digits)).toString());

export function formatSimulation(run: BenchRun): string {
  const head = ['algorithm', 'requests', 'errors', 'p50 ms', 'p99 ms', 'p99.9 ms', 'max/mean load', 'peak in flight', 'events/s'];
  const rows = run.results.map((r) => {
    const s = r.samples;
    const sum = (f: (x: (typeof s)[number]) => number) => s.reduce((a, x) => a + f(x), 0);
    return [
      r.algorithm,
      num(sum((x) => x.requests)),
      num(sum((x) => x.errors)),
      num(med(s.map((x) => x.latencyMs.p50))),
      num(med(s.map((x) => x.latencyMs.p99))),
      num(med(s.map((x) => x.latencyMs.p999))),
      num(med(s.map((x) => x.imbalance?.maxOverMean ?? 0))),
      num(Math.max(...s.map((x) => x.imbalance?.peakInFlight ?? 0))),
      num(med(s.map((x) => x.simulation?.eventsPerSecond ?? 0))),
    ];
  });
  const widths = head.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] as string).length)));
  const line = (cells: string[]) => cells.map((c, i) => (i === 0 ? c.padEnd(widths[i] as number) : c.padStart(widths[i] as number))).join('  ');
  const first = run.results[0];
  const events = run.results.reduce((a, r) => a + r.samples.reduce((b, x) => b + (x.simulation?.events ?? 0), 0), 0);
  const wall = run.results.reduce((a, r) => a + r.samples.reduce((b, x) => b + (x.simulation?.wallMs ?? 0), 0), 0);
  const about = first?.simulation
    ? `${first.scenario}: ${first.simulation.backendCount.toLocaleString('en-US')} backends, ${first.simulation.balancers} balancer(s) (view: ${first.simulation.view}), ${first.simulation.arrivals} arrivals at ${num(first.rate ?? 0)} req/s`
    : '';
  return [about, line(head), ...rows.map(line), `${events.toLocaleString('en-US')} events in ${(wall / 1000).toFixed(2)} s of simulation (${Math.round(wall > 0 ? (events * 1000) / wall : 0).toLocaleString('en-US')} events/s)`].join('\n');
}
