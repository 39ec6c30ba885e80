// `fulcrum matrix --targets reference,haproxy,nginx,caddy [--driver local|containers]`: the
// conformance suites against each target in turn; one results folder per target (results.json,
// junit.xml, report.html) plus a combined table check × target (matrix.md, matrix.html).
import { mkdir, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import type { Command } from 'commander';
import { EXIT_FAILED, EXIT_OK, UsageError } from '../exit.ts';

export interface MatrixOptions {
  targets: string;
  driver: string;
  only?: string;
  out: string;
}

export interface MatrixOutcome {
  markdownPath: string;
  htmlPath: string;
  perTarget: { target: string; resultsPath: string; failed: number }[];
}

/** "reference, haproxy,,nginx" → ['reference', 'haproxy', 'nginx']; duplicates are a usage error. */
export function parseTargetList(list: string): string[] {
  const names = list.split(',').map((s) => s.trim()).filter(Boolean);
  if (names.length === 0) throw new UsageError('--targets: give at least one target, e.g. --targets reference,haproxy');
  const dup = names.find((n, i) => names.indexOf(n) !== i);
  if (dup) throw new UsageError(`--targets: "${dup}" is listed twice`);
  return names;
}

/** A folder name for a target given by name or by file path. */
export function folderFor(target: string): string {
  return target.replace(/\.ya?ml$/i, '').replace(/[^A-Za-z0-9_.-]+/g, '_').replace(/^[._]+/, '') || 'target';
}

export async function runMatrix(options: MatrixOptions, progress: (line: string) => void): Promise<MatrixOutcome> {
  const names = parseTargetList(options.targets);
  // Heavy rooms load only when the command runs (every command registers at start-up).
  const { resolveTarget, resolveDriver, runConformance, UnknownTargetError, UnknownDriverError } = await import('../../harness/index.ts');
  const { allChecks } = await import('../../suites/index.ts');
  const { writeRunOutputs, buildMatrix, matrixMarkdown, matrixHtml } = await import('../../reports/index.ts');

  const asUsage = (err: unknown) => (err instanceof UnknownTargetError || err instanceof UnknownDriverError ? new UsageError((err as Error).message) : err);
  // Resolve everything first: a typo in the last target should not cost a full run of the first.
  const targets = await Promise.all(names.map((n) => resolveTarget(n).catch((e: unknown) => Promise.reject(asUsage(e)))));
  const driver = await resolveDriver(options.driver).catch((e: unknown) => Promise.reject(asUsage(e)));

  const out = resolve(options.out);
  const runs = [];
  const perTarget: MatrixOutcome['perTarget'] = [];
  for (const [i, target] of targets.entries()) {
    progress(`== ${target.name} (${i + 1}/${targets.length}, driver ${driver.name})`);
    const results = await runConformance({ target, driver, checks: allChecks, ...(options.only ? { only: options.only } : {}), progress });
    const written = await writeRunOutputs(results, join(out, folderFor(names[i] as string)));
    runs.push(results);
    perTarget.push({ target: target.name, resultsPath: written.resultsPath, failed: results.summary.failed });
    progress(`   ${target.name}: ${results.summary.passed} passed, ${results.summary.failed} failed, ${results.summary.skipped} skipped → ${written.resultsPath}`);
  }
  const matrix = buildMatrix(runs);
  await mkdir(out, { recursive: true });
  const markdownPath = join(out, 'matrix.md');
  const htmlPath = join(out, 'matrix.html');
  await writeFile(markdownPath, matrixMarkdown(matrix));
  await writeFile(htmlPath, matrixHtml(matrix));
  return { markdownPath, htmlPath, perTarget };
}

export function register(program: Command, setExit: (code: number) => void): void {
  program
    .command('matrix')
    .description('Run the conformance suites against several targets and write a check × target table (Markdown and HTML) plus one results folder per target.')
    .requiredOption('--targets <list>', 'comma-separated targets: built-in names (reference, nftables [LVS only], haproxy, nginx, caddy) or target files')
    .option('--driver <name>', 'topology driver: local (processes on loopback) or containers', 'local')
    .option('--only <glob>', 'only checks whose id matches (e.g. "distribution.*")')
    .option('--out <dir>', 'output folder', 'fulcrum-out/matrix')
    .action(async (opts: MatrixOptions) => {
      const outcome = await runMatrix(opts, (line) => process.stderr.write(`${line}\n`));
      process.stdout.write(`matrix: ${outcome.markdownPath}\n        ${outcome.htmlPath}\n`);
      // Like `conformance`: 1 when any check failed on any target (a finding to read, or a bug to fix).
      setExit(outcome.perTarget.some((t) => t.failed > 0) ? EXIT_FAILED : EXIT_OK);
    });
}
