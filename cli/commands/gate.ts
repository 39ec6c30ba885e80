// `fulcrum gate --baseline A.json --current B.json`: exit 1 on a regression, 0 otherwise, 2 on bad
// input. Prints a Markdown summary (stdout or --markdown FILE) for CI logs.
import { writeFile } from 'node:fs/promises';
import type { Command } from 'commander';
import { gate, gateMarkdown, METRIC_KINDS, type GateReport, type MetricKind, calibrateFiles, calibrationMarkdown, combineRuns, GateInputError, readGateInput } from '../../bench/index.ts';
import { EXIT_FAILED, EXIT_OK, UsageError } from '../exit.ts';

export interface GateCommandOptions {
  /** One file, or several runs of the same thing (micro runs then count one median each). */
  baseline?: string | string[];
  current?: string | string[];
  markdown?: string;
  alpha?: string;
  band?: string[];
  seed?: string;
  calibrate?: string[];
  trials?: string;
  perSide?: string;
}

function parseBands(specs: readonly string[] = []): Partial<Record<MetricKind, number>> {
  const bands: Partial<Record<MetricKind, number>> = {};
  for (const spec of specs) {
    const m = /^([a-z0-9-]+)=(\d+(?:\.\d+)?)%?$/.exec(spec);
    if (!m || !(m[1] as string in METRIC_KINDS)) throw new UsageError(`--band "${spec}": use <kind>=<percent>, kind one of ${Object.keys(METRIC_KINDS).join(', ')}`);
    bands[m[1] as MetricKind] = Number(m[2]) / 100;
  }
  return bands;
}

function number(name: string, v: string | undefined, min: number, max: number): number | undefined {
  if (v === undefined) return undefined;
  const n = Number(v);
  if (!Number.isFinite(n) || n < min || n > max) throw new UsageError(`--${name} must be a number in [${min}, ${max}], got "${v}"`);
  return n;
}

export async function gateCommand(opts: GateCommandOptions): Promise<{ report: GateReport; markdown: string; exitCode: number }> {
  const list = (v: string | string[] | undefined) => (v === undefined ? [] : Array.isArray(v) ? v : [v]);
  const baseFiles = list(opts.baseline);
  const curFiles = list(opts.current);
  if (baseFiles.length === 0 || curFiles.length === 0) throw new UsageError('give both --baseline FILE… and --current FILE…');
  const alpha = number('alpha', opts.alpha, 1e-6, 0.5);
  const seed = number('seed', opts.seed, 0, 2 ** 32 - 1);
  const bands = parseBands(opts.band);
  try {
    const [bases, curs] = await Promise.all([Promise.all(baseFiles.map(readGateInput)), Promise.all(curFiles.map(readGateInput))]);
    const schemas = new Set([...bases, ...curs].map((i) => i.schema));
    if (schemas.size > 1) throw new UsageError(`inputs mix ${[...schemas].join(' and ')}: compare like with like`);
    const base = { series: combineRuns(bases.map((i) => i.series)) };
    const cur = { series: combineRuns(curs.map((i) => i.series)) };
    const report = gate(base.series, cur.series, { ...(alpha !== undefined ? { alpha } : {}), ...(seed !== undefined ? { seed } : {}), bands });
    const markdown = gateMarkdown(report);
    return { report, markdown, exitCode: report.regressions > 0 ? EXIT_FAILED : EXIT_OK };
  } catch (err) {
    if (err instanceof GateInputError) throw new UsageError(err.message);
    throw err;
  }
}

export function register(program: Command, setExit: (code: number) => void): void {
  program
    .command('gate')
    .description('Compare bench or micro-benchmark results: Mann–Whitney U plus a bootstrap CI outside a noise band per metric; exit 1 on a regression')
    .option('--baseline <files...>', 'baseline results (fulcrum/bench@1 or fulcrum/micro@1); several micro runs count one median each')
    .option('--current <files...>', 'candidate results, same schema')
    .option('--markdown <file>', 'write the Markdown summary here instead of stdout')
    .option('--alpha <p>', 'significance level of the rank test (two-sided)', '0.01')
    .option('--band <kind=percent...>', `noise band per metric kind (defaults: ${Object.entries(METRIC_KINDS).map(([k, v]) => `${k}=${v.band * 100}%`).join(', ')})`)
    .option('--seed <n>', 'bootstrap seed', '1')
    .option('--calibrate <files...>', 'measure the gate itself: one bench run with many repetitions (split A/A), or several runs of the same thing (run-to-run A/A); plus detection of an injected 10% loss')
    .option('--trials <n>', 'calibration trials', '2000')
    .option('--per-side <n>', 'calibration: samples per side (default: half the repetitions, at most 10)')
    .action(async (opts: GateCommandOptions) => {
      if (opts.calibrate?.length) {
        const trials = number('trials', opts.trials, 10, 1_000_000) as number;
        const fail = (err: unknown): never => {
          throw err instanceof GateInputError || err instanceof RangeError ? new UsageError((err as Error).message) : err;
        };
        const alpha = number('alpha', opts.alpha, 1e-6, 0.5);
        const perSide = number('per-side', opts.perSide, 1, 10_000);
        const result = await calibrateFiles(opts.calibrate, { trials, seed: Number(opts.seed ?? 1), bands: parseBands(opts.band), ...(alpha !== undefined ? { alpha } : {}), ...(perSide !== undefined ? { perSide } : {}) }).catch(fail);
        const md = calibrationMarkdown(result);
        if (opts.markdown) await writeFile(opts.markdown, md);
        else process.stdout.write(md);
        return;
      }
      const { markdown, exitCode } = await gateCommand(opts);
      if (opts.markdown) await writeFile(opts.markdown, markdown);
      else process.stdout.write(markdown);
      setExit(exitCode);
    });
}
