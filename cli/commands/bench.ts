// `fulcrum bench`: run a preset or a scenario file, write fulcrum/bench@1 JSON and an HTML report.
import { mkdir, writeFile } from 'node:fs/promises';
import { dirname, resolve } from 'node:path';
import type { Command } from 'commander';
import { GENERATOR_NAMES, NULL_TARGETS, isGeneratorName, type NullTargetKind, presets, quick, runBench, type BenchScenario, type GeneratorName, loadScenarioFile } from '../../bench/index.ts';
import { benchReportHtml } from '../../reports/index.ts';
import { UsageError } from '../exit.ts';

export interface BenchCommandOptions {
  preset?: string;
  scenario?: string;
  quick?: boolean;
  repetitions?: string;
  duration?: string;
  out: string;
  html?: string | false;
  generator?: string;
  pin?: boolean;
  nullTarget?: string;
}

/** --null-target's value, checked. */
export function nullTargetOption(value: string | undefined): NullTargetKind | undefined {
  if (value === undefined) return undefined;
  if (!(NULL_TARGETS as readonly string[]).includes(value)) throw new UsageError(`unknown --null-target "${value}": choose ${NULL_TARGETS.join(', ')}`);
  return value as NullTargetKind;
}

/** --generator's value, checked. */
export function generatorOption(value: string | undefined): GeneratorName | undefined {
  if (value === undefined) return undefined;
  if (!isGeneratorName(value)) throw new UsageError(`unknown --generator "${value}": choose ${GENERATOR_NAMES.join(', ')}`);
  return value;
}

function positiveInt(name: string, value: string | undefined): number | undefined {
  if (value === undefined) return undefined;
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1) throw new UsageError(`--${name} must be a positive integer, got "${value}"`);
  return n;
}

export async function selectScenarios(opts: BenchCommandOptions): Promise<{ scenarios: BenchScenario[]; preset?: string }> {
  if (!!opts.preset === !!opts.scenario) throw new UsageError(`give exactly one of --preset (${Object.keys(presets).join(', ')}) or --scenario FILE`);
  let scenarios: BenchScenario[];
  if (opts.preset) {
    const preset = presets[opts.preset];
    if (!preset) throw new UsageError(`unknown preset "${opts.preset}": choose ${Object.keys(presets).join(', ')}`);
    scenarios = (opts.quick ? quick(preset) : preset).scenarios;
  } else {
    scenarios = await loadScenarioFile(opts.scenario as string);
    if (opts.quick) scenarios = quick({ name: 'file', description: '', scenarios }).scenarios;
  }
  const reps = positiveInt('repetitions', opts.repetitions);
  const duration = positiveInt('duration', opts.duration);
  if (duration !== undefined && duration > 600_000) throw new UsageError('--duration is in milliseconds and at most 600000');
  scenarios = scenarios.map((s) => ({ ...s, ...(reps ? { repetitions: reps } : {}), ...(duration ? { load: { ...s.load, durationMs: duration } } : {}) }));
  return { scenarios, ...(opts.preset ? { preset: opts.preset } : {}) };
}

export async function benchCommand(opts: BenchCommandOptions, argv: string[], write: (line: string) => void): Promise<{ json: string; html?: string }> {
  const { scenarios, preset } = await selectScenarios(opts);
  const generator = generatorOption(opts.generator);
  const nullTarget = nullTargetOption(opts.nullTarget);
  const run = await runBench(scenarios, { command: argv, ...(preset ? { preset } : {}), ...(generator ? { generator } : {}), ...(nullTarget ? { nullTarget } : {}), ...(opts.pin === false ? { pin: false } : {}), progress: write });
  const json = resolve(opts.out);
  await mkdir(dirname(json), { recursive: true });
  await writeFile(json, `${JSON.stringify(run, null, 1)}\n`);
  write(`results: ${json}`);
  if (opts.html === false) return { json };
  const html = resolve(opts.html ?? json.replace(/\.json$/, '') + '.html');
  await writeFile(html, benchReportHtml([{ kind: 'bench', source: json.split('/').pop() as string, run }]));
  write(`report:  ${html}`);
  return { json, html };
}

export function register(program: Command, _setExit: (code: number) => void): void {
  program
    .command('bench')
    .description('Benchmark balancers: interleaved repetitions, a null-target ceiling, closed- or open-loop load; writes fulcrum/bench@1 JSON and an HTML report')
    .option('--preset <name>', `a preset: ${Object.keys(presets).join(', ')}`)
    .option('--scenario <file>', 'a scenario file (YAML or JSON; see bench/scenarios/scenario-file.ts)')
    .option('--quick', 'short runs (3 repetitions of 2 s) for smoke tests')
    .option('--repetitions <n>', 'measured repetitions per variant (overrides the scenario)')
    .option('--duration <ms>', 'milliseconds per repetition (overrides the scenario)')
    .option('--generator <name>', `closed-loop load generator: ${GENERATOR_NAMES.join(', ')} (open-loop scenarios always use the built-in constant-rate generator)`, 'autocannon')
    .option('--null-target <kind>', 'what answers as the null target (the generator ceiling): node (the backend host, default) or nginx (one worker returning 200)')
    .option('--no-pin', 'do not pin an external generator (wrk, h2load) to a CPU of its own')
    .option('-o, --out <file>', 'results JSON', 'fulcrum-out/bench.json')
    .option('--html <file>', 'HTML report (default: beside the JSON)')
    .option('--no-html', 'do not write the HTML report')
    .action(async (opts: BenchCommandOptions) => {
      await benchCommand(opts, ['fulcrum', ...process.argv.slice(2)], (line) => process.stderr.write(`${line}\n`));
    });
}
