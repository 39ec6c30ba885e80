// `fulcrum conformance --target <name|file> [--driver local] [--only <glob>] [--out DIR]`
// Exit 0 when nothing failed, 1 when a check failed, 2 for bad usage or config.
import type { Command } from 'commander';
import { UsageError, EXIT_FAILED, EXIT_OK } from '../exit.ts';
import { builtInTargetNames, resolveDriver, resolveTarget, runConformance, selectChecks, UnknownDriverError, UnknownTargetError, type Target } from '../../harness/index.ts';
import { allChecks } from '../../suites/index.ts';
import { formatSummary, writeRunOutputs } from '../../reports/index.ts';
import { type Results } from '../../reports/schema/index.ts';

export interface ConformanceCommandOptions {
  target: string;
  driver: string;
  only?: string;
  out: string;
}

/** The command's logic, callable from tests: runs, writes outputs, prints the summary, returns the exit code. */
export async function conformance(opts: ConformanceCommandOptions, write: (s: string) => void = (s) => process.stdout.write(s)): Promise<{ code: number; results: Results }> {
  let target: Target;
  let driver;
  try {
    target = await resolveTarget(opts.target);
    driver = await resolveDriver(opts.driver);
  } catch (err) {
    if (err instanceof UnknownTargetError || err instanceof UnknownDriverError) throw new UsageError(err.message);
    throw err;
  }
  const selected = selectChecks(allChecks, opts.only);
  if (selected.length === 0) throw new UsageError(`--only "${opts.only}" matches no check; checks are ${allChecks.map((c) => c.id).join(', ')}`);
  process.stderr.write(`fulcrum conformance: target ${target.name}, driver ${driver.name}, ${selected.length} checks\n`);
  const results = await runConformance({ target, driver, checks: selected, progress: (line) => process.stderr.write(`${line}\n`) });
  const outputs = await writeRunOutputs(results, opts.out);
  write(`${formatSummary(results, outputs.htmlPath)}\n`);
  return { code: results.summary.failed > 0 ? EXIT_FAILED : EXIT_OK, results };
}

export function register(program: Command, setExit: (code: number) => void): void {
  program
    .command('conformance')
    .description('Run the conformance checks against a balancer and write results.json, junit.xml and an HTML report')
    .requiredOption('-t, --target <name|file>', `a built-in target (${builtInTargetNames().join(', ')}) or a target file (YAML, schema fulcrum/target@1)`)
    .option('-d, --driver <name>', 'how hosts are started: local (processes on loopback)', 'local')
    .option('--only <glob>', 'run only checks whose id matches (e.g. "distribution.*", "source.xff,health.*")')
    .option('-o, --out <dir>', 'where to write the outputs', 'fulcrum-out')
    .action(async (opts: ConformanceCommandOptions) => {
      setExit((await conformance(opts)).code);
    });
}
