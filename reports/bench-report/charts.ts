// Pure: report sections → chart.js configurations (plain JSON). The page script adds only what
// JSON cannot carry (tick label callbacks), keyed by `kind`.
import { MAX_SHARE_BACKENDS, type BenchSection, type VariantRow } from './model.ts';

export type ChartKind = 'throughput' | 'percentiles' | 'timeline-rps' | 'timeline-p99' | 'shares' | 'imbalance';

export interface ChartSpec {
  id: string;
  kind: ChartKind;
  title: string;
  config: { type: string; data: { labels?: string[]; datasets: Record<string, unknown>[] }; options: Record<string, unknown> };
}

const PALETTE = ['#2b6cb0', '#dd6b20', '#2f855a', '#c53030', '#6b46c1', '#b7791f', '#00838f', '#d53f8c', '#4a5568', '#7b341e'];
export const colorAt = (i: number): string => PALETTE[i % PALETTE.length] as string;

/** x positions of the HDR-style percentile axis: 1/(1−q); max is drawn at 99.99 %. */
export const PERCENTILE_X = { p50: 2, p90: 10, p99: 100, p999: 1000, max: 10_000 } as const;

const title = (text: string) => ({ display: true, text, font: { size: 14, weight: 'bold' } });

function axis(text: string, extra: Record<string, unknown> = {}) {
  return { title: { display: true, text }, ...extra };
}

export function chartsFor(section: BenchSection): ChartSpec[] {
  const rows = section.rows.filter((r) => !r.unavailable && r.repetitions > 0);
  if (rows.length === 0) return [];
  const id = (k: string) => `${section.key}-${k}`;
  const charts: ChartSpec[] = [throughput(rows, section, id('throughput')), percentiles(rows, id('percentiles'))];
  if (rows.some((r) => r.timeline.length > 1)) charts.push(timeline(rows, 'rps', id('timeline-rps')), timeline(rows, 'p99Ms', id('timeline-p99')));
  if (section.backends.length <= MAX_SHARE_BACKENDS && rows.some((r) => Object.keys(r.shares).length > 0)) charts.push(shares(rows, section, id('shares')));
  if (rows.some((r) => r.imbalance)) charts.push(imbalance(rows, id('imbalance')));
  return charts;
}

function throughput(rows: VariantRow[], section: BenchSection, chartId: string): ChartSpec {
  const datasets: Record<string, unknown>[] = [
    { type: 'bar', label: 'median req/s', data: rows.map((r) => r.rps.median), backgroundColor: rows.map((_, i) => `${colorAt(i)}b3`), order: 2 },
    // Every repetition as a dot on its bar: the spread, and how many repetitions made the median.
    {
      type: 'line',
      label: 'each repetition',
      data: rows.flatMap((r) => r.rps.all.map((y) => ({ x: r.label, y }))),
      showLine: false,
      pointRadius: 4,
      pointBackgroundColor: '#1d2330',
      borderColor: '#1d2330',
      order: 1,
    },
  ];
  if (section.ceilingRps !== undefined) {
    datasets.push({ type: 'line', label: 'generator ceiling (null target)', data: rows.map(() => section.ceilingRps), borderColor: '#c53030', borderDash: [6, 4], pointRadius: 0, borderWidth: 2, order: 0 });
  }
  return {
    id: chartId,
    kind: 'throughput',
    title: 'Throughput',
    config: {
      type: 'bar',
      data: { labels: rows.map((r) => r.label), datasets },
      options: { plugins: { title: title('Throughput (req/s): median, spread across repetitions') }, scales: { y: axis('requests per second', { beginAtZero: true }) } },
    },
  };
}

function percentiles(rows: VariantRow[], chartId: string): ChartSpec {
  return {
    id: chartId,
    kind: 'percentiles',
    title: 'Latency by percentile',
    config: {
      type: 'scatter',
      data: {
        datasets: rows.map((r, i) => ({
          label: r.label,
          showLine: true,
          borderColor: colorAt(i),
          backgroundColor: colorAt(i),
          data: (Object.keys(PERCENTILE_X) as (keyof typeof PERCENTILE_X)[]).map((k) => ({ x: PERCENTILE_X[k], y: Math.max(0.001, r.latency[k]) })),
        })),
      },
      options: {
        plugins: { title: title('Latency by percentile (ms, log scales, HDR style)') },
        scales: { x: axis('percentile', { type: 'logarithmic', min: 2, max: 10_000 }), y: axis('latency (ms)', { type: 'logarithmic' }) },
      },
    },
  };
}

function timeline(rows: VariantRow[], field: 'rps' | 'p99Ms', chartId: string): ChartSpec {
  const isRps = field === 'rps';
  return {
    id: chartId,
    kind: isRps ? 'timeline-rps' : 'timeline-p99',
    title: isRps ? 'Throughput over time' : 'p99 latency over time',
    config: {
      type: 'scatter',
      data: {
        datasets: rows.map((r, i) => ({
          label: r.label,
          showLine: true,
          borderColor: colorAt(i),
          backgroundColor: colorAt(i),
          data: r.timeline.map((p) => ({ x: p.t, y: isRps ? p.rps : Math.max(0.001, p.p99Ms) })),
        })),
      },
      options: {
        plugins: { title: title(isRps ? 'Throughput over time (req/s per second, mean of repetitions)' : 'p99 latency over time (ms, log scale, mean of repetitions)') },
        scales: { x: axis('second of the run', { type: 'linear', ticks: { stepSize: 1 } }), y: axis(isRps ? 'requests per second' : 'p99 latency (ms)', isRps ? { beginAtZero: true } : { type: 'logarithmic' }) },
      },
    },
  };
}

function shares(rows: VariantRow[], section: BenchSection, chartId: string): ChartSpec {
  const ids = section.backends.map((b) => b.id);
  return {
    id: chartId,
    kind: 'shares',
    title: 'Share per backend',
    config: {
      type: 'bar',
      data: {
        labels: rows.map((r) => r.label),
        datasets: ids.map((b, i) => ({ label: b, data: rows.map((r) => 100 * (r.shares[b] ?? 0)), backgroundColor: colorAt(i + 3) })),
      },
      options: {
        indexAxis: 'y',
        plugins: { title: title('Share of requests per backend (%)') },
        scales: { x: axis('% of requests', { stacked: true, min: 0, max: 100 }), y: { stacked: true } },
      },
    },
  };
}

/** Simulated runs: how unevenly each algorithm loaded the backends (1 = every backend at its fair share). */
function imbalance(rows: VariantRow[], chartId: string): ChartSpec {
  return {
    id: chartId,
    kind: 'imbalance',
    title: 'Load imbalance',
    config: {
      type: 'bar',
      data: {
        labels: rows.map((r) => r.label),
        datasets: [
          { label: 'busiest backend / mean (load relative to capacity)', data: rows.map((r) => r.imbalance?.maxOverMean ?? 0), backgroundColor: rows.map((_, i) => `${colorAt(i)}b3`) },
          { label: 'coefficient of variation + 1', data: rows.map((r) => 1 + (r.imbalance?.cv ?? 0)), backgroundColor: '#4a556880' },
        ],
      },
      options: {
        plugins: { title: title('Load imbalance across backends (1 = perfectly even for their capacity)') },
        scales: { y: axis('ratio', { min: 1 }) },
      },
    },
  };
}
