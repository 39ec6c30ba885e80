// `fulcrum simulate`: a discrete-event simulation of the reference's own schedulers against modelled
// backends (bench/sim/), at scales this machine cannot run for real. Writes fulcrum/bench@1 JSON (and
// HTML beside it, as `fulcrum bench` does) and prints one line per algorithm; progress on stderr.
import { existsSync } from 'node:fs';
import { mkdir, writeFile } from 'node:fs/promises';
import { dirname, resolve } from 'node:path';
import type { Command } from 'commander';
import { builtinNames, builtinScenario, formatSimulation, loadSimScenarioFile, quickScenario, runSimulation, type SimScenario } from '../../bench/index.ts';
import { benchReportHtml } from '../../reports/index.ts';
import { UsageError } from '../exit.ts';

export interface SimulateCommandOptions {
  scenario?: string;
  json: string;
  html?: string | false;
  seed?: string;
  quick?: boolean;
}

/** A builtin name (no "/" or "."), else a scenario file. */
export async function resolveScenario(name: string): Promise<{ scenario: SimScenario; builtin?: string }> {
  if (!/[/.]/.test(name)) {
    const scenario = builtinScenario(name);
    if (scenario) return { scenario, builtin: name };
    if (!existsSync(name)) throw new UsageError(`--scenario: "${name}" is no builtin scenario (${builtinNames().join(', ')}) and no file`);
  }
  return { scenario: await loadSimScenarioFile(name) };
}

export async function simulateCommand(opts: SimulateCommandOptions, argv: string[], say: (line: string) => void): Promise<{ json: string; html?: string; table: string }> {
  if (!opts.scenario) throw new UsageError(`give --scenario FILE or a builtin: ${builtinNames().join(', ')}`);
  let seed: number | undefined;
  if (opts.seed !== undefined) {
    seed = Number(opts.seed);
    if (!Number.isInteger(seed) || seed < 0 || seed > 0xffffffff) throw new UsageError(`--seed must be a whole number from 0 to 4294967295, got "${opts.seed}"`);
  }
  const { scenario: loaded, builtin } = await resolveScenario(opts.scenario);
  let scenario = opts.quick ? quickScenario(loaded) : loaded;
  if (seed !== undefined) scenario = { ...scenario, seed };
  const run = runSimulation(scenario, { command: argv, ...(builtin ? { preset: builtin } : {}), progress: say });
  const json = resolve(opts.json);
  await mkdir(dirname(json), { recursive: true });
  await writeFile(json, `${JSON.stringify(run)}\n`);
  const table = formatSimulation(run);
  if (opts.html === false) return { json, table };
  const html = resolve(opts.html ?? json.replace(/\.json$/, '') + '.html');
  await mkdir(dirname(html), { recursive: true });
  await writeFile(html, benchReportHtml([{ kind: 'bench', source: json.split('/').pop() as string, run }]));
  return { json, html, table };
}

export function register(program: Command, _setExit: (code: number) => void): void {
  program
    .command('simulate')
    .description(`Simulate the reference's schedulers against modelled backends (discrete events, seeded, deterministic); writes fulcrum/bench@1 JSON and an HTML report. Builtin scenarios: ${builtinNames().join(', ')}`)
    .option('--scenario <file|name>', `a scenario file (YAML or JSON; see bench/sim/scenario.ts) or a builtin: ${builtinNames().join(', ')}`)
    .option('--json <file>', 'results JSON', 'fulcrum-out/simulate.json')
    .option('--html <file>', 'HTML report (default: beside the JSON)')
    .option('--no-html', 'do not write the HTML report')
    .option('--seed <n>', "the run's seed (default: the scenario's, else 1); the same seed gives the same results")
    .option('--quick', "a short run: the scenario's quick settings, else a tenth of the requests")
    .action(async (opts: SimulateCommandOptions) => {
      const out = await simulateCommand(opts, ['fulcrum', ...process.argv.slice(2)], (line) => process.stderr.write(`${line}\n`));
      process.stdout.write(`${out.table}\n\nresults: ${out.json}${out.html ? `\nreport:  ${out.html}` : ''}\n`);
    });
}
