// `fulcrum report <results.json …> -o report.html`: one self-contained HTML file from bench and
// conformance results.
import { mkdir, writeFile } from 'node:fs/promises';
import { dirname, resolve } from 'node:path';
import type { Command } from 'commander';
import { benchReportHtml, readReportInputs, ReportInputError } from '../../reports/index.ts';
import { UsageError } from '../exit.ts';

export async function reportCommand(files: string[], opts: { out: string; title?: string }): Promise<string> {
  if (files.length === 0) throw new UsageError('give at least one results file (fulcrum/bench@1 or fulcrum/results@1)');
  let inputs;
  try {
    inputs = await readReportInputs(files);
  } catch (err) {
    if (err instanceof ReportInputError) throw new UsageError(err.message);
    throw err;
  }
  const out = resolve(opts.out);
  await mkdir(dirname(out), { recursive: true });
  await writeFile(out, benchReportHtml(inputs, opts.title));
  return out;
}

export function register(program: Command, _setExit: (code: number) => void): void {
  program
    .command('report')
    .description('Render bench (fulcrum/bench@1) and conformance (fulcrum/results@1) results into one self-contained HTML report')
    .argument('<results...>', 'results JSON files')
    .option('-o, --out <file>', 'the HTML file to write', 'fulcrum-out/report.html')
    .option('--title <text>', 'the report title')
    .action(async (files: string[], opts: { out: string; title?: string }) => {
      const out = await reportCommand(files, opts);
      process.stderr.write(`report: ${out}\n`);
    });
}
