// The readable table printed by `fulcrum micro` (pure formatting of the results JSON).
import type { MicroResults } from '../../reports/schema/index.ts';

function ns(v: number): string {
  if (v >= 1e6) return `${(v / 1e6).toFixed(2)} ms`;
  if (v >= 1e3) return `${(v / 1e3).toFixed(2)} µs`;
  return `${v.toFixed(1)} ns`;
}

function pad(cells: string[], widths: number[]): string {
  return cells.map((c, i) => (i === 0 ? c.padEnd(widths[i]!) : c.padStart(widths[i]!))).join('  ');
}

function grid(header: string[], rows: string[][]): string[] {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
  return [pad(header, widths), widths.map((w) => '-'.repeat(w)).join('  '), ...rows.map((r) => pad(r, widths))];
}

export function formatMicro(r: MicroResults): string {
  const out: string[] = [];
  const e = r.environment;
  out.push(
    `fulcrum micro${r.quick ? ' (quick)' : ''}: node ${e.node}, ${e.os}, ${e.cpus} × ${e.cpuModel}` +
      `${e.loadAverage ? `, load ${e.loadAverage.join(' ')}` : ''}, ${e.clock === 'cpu' ? 'CPU time' : 'wall time'}`,
  );
  out.push('');
  const ns_ = [...new Set(r.benchmarks.filter((b) => b.kind === 'pick').map((b) => b.n))].sort((a, b) => a - b);
  const picks = r.benchmarks.filter((b) => b.kind === 'pick');
  const schedulers = [...new Set(picks.map((b) => b.scheduler))];
  const rows = schedulers.map((name) => {
    const g = r.growth.find((x) => x.scheduler === name);
    const at = (n: number) => picks.find((b) => b.scheduler === name && b.n === n);
    return [
      name,
      ...ns_.map((n) => (at(n) ? ns(at(n)!.meanNs) : '-')),
      g?.design ?? at(ns_[0]!)?.design ?? '-',
      g ? `${g.fitted} (slope ${g.exponent.toFixed(2)})` : '- (one N)',
    ];
  });
  out.push('pick() mean per call');
  out.push(...grid(['scheduler', ...ns_.map((n) => `N=${n}`), 'design', 'measured growth'], rows));
  const builds = r.benchmarks.filter((b) => b.kind === 'build');
  if (builds.length) {
    out.push('', 'table build');
    out.push(...grid(['scheduler', 'N', 'mean', 'p50', 'p99'], builds.map((b) => [b.scheduler, String(b.n), ns(b.meanNs), ns(b.p50Ns), ns(b.p99Ns)])));
  }
  if (r.targets.length) {
    out.push('', 'targets');
    out.push(
      ...grid(
        ['target', 'limit', 'measured', 'verdict'],
        r.targets.map((t) => [t.what, ns(t.limitNs), t.measuredNs === undefined ? '-' : ns(t.measuredNs), t.pass === undefined ? 'not measured' : t.pass ? 'met' : 'MISSED']),
      ),
    );
  }
  if (r.quality.length) {
    out.push('', 'consistent hashing quality (imbalance = max/mean share; disruption = keys moved)');
    out.push(
      ...grid(
        ['scheduler', 'N', 'imbalance', 'exact', 'baseline', 'remove 1', 'ideal', 'add 1', 'ideal'],
        r.quality.map((q) => {
          const f = q as unknown as import('./quality.ts').QualityFigure;
          const pct = (v: number) => `${(v * 100).toFixed(3)}%`;
          return [
            f.scheduler, String(f.n), f.imbalance.sampled.toFixed(3), f.imbalance.exact?.toFixed(4) ?? '-', f.imbalance.uniformBaseline.toFixed(3),
            pct(f.disruption.remove), pct(f.disruption.idealRemove), pct(f.disruption.add), pct(f.disruption.idealAdd),
          ];
        }),
      ),
    );
  }
  return out.join('\n');
}
