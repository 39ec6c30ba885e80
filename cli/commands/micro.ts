// `fulcrum micro`: micro-benchmarks of every scheduler's pick() at N = 10 … 10000 backends, ring and
// maglev table builds, and consistent-hash quality figures. Writes a fulcrum/micro@1 results JSON
// (raw samples kept, for `fulcrum gate`) and prints a readable table with how cost grows with N.
import { mkdir, writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import type { Command } from 'commander';
import { UsageError } from '../exit.ts';

export interface MicroCommandOptions {
  out?: string;
  quick?: boolean;
  n?: string;
  only?: string;
  time?: string;
  qualityKeys?: string;
  clock?: string;
}

const DEFAULT_OUT = 'fulcrum-out/micro.json';

function positiveInts(flag: string, text: string): number[] {
  const values = text.split(',').map((s) => s.trim());
  const out = values.map(Number);
  if (values.some((v) => v === '') || out.some((v) => !Number.isInteger(v) || v < 1)) {
    throw new UsageError(`--${flag} wants positive whole numbers separated by commas (e.g. 10,100,1000), got "${text}"`);
  }
  return out;
}

export async function micro(opts: MicroCommandOptions, write: (text: string) => void): Promise<string> {
  const { runMicro, formatMicro } = await import('../../bench/index.ts');
  const { schedulerNames } = await import('../../reference/index.ts');
  const only = opts.only?.split(',').map((s) => s.trim());
  const unknown = only?.filter((n) => !schedulerNames().includes(n));
  if (unknown?.length) throw new UsageError(`--only: unknown scheduler(s) ${unknown.join(', ')} (known: ${schedulerNames().join(', ')})`);
  const time = opts.time === undefined ? undefined : positiveInts('time', opts.time)[0];
  const qualityKeys = opts.qualityKeys === undefined ? undefined : positiveInts('quality-keys', opts.qualityKeys)[0];
  if (opts.clock !== undefined && opts.clock !== 'wall' && opts.clock !== 'cpu') throw new UsageError(`--clock is wall or cpu, got "${opts.clock}"`);
  const results = await runMicro({
    ...(opts.clock ? { clock: opts.clock } : {}),
    quick: opts.quick ?? false,
    ...(opts.n ? { ns: positiveInts('n', opts.n) } : {}),
    ...(only ? { only } : {}),
    ...(time !== undefined ? { timeMs: time } : {}),
    ...(qualityKeys !== undefined ? { qualityKeys } : {}),
    onProgress: (done, total, label) => process.stderr.write(`\r[${done}/${total}] ${label}`.padEnd(48)),
  });
  process.stderr.write('\n');
  const out = opts.out ?? DEFAULT_OUT;
  await mkdir(dirname(out), { recursive: true });
  await writeFile(out, `${JSON.stringify(results)}\n`);
  write(`${formatMicro(results)}\n\nresults: ${out}\n`);
  return out;
}

export function register(program: Command, setExit: (code: number) => void): void {
  program
    .command('micro')
    .description('Micro-benchmark every scheduler (pick at N = 10…10000, ring/maglev builds) and consistent-hash quality; write fulcrum/micro@1 JSON.')
    .option('--out <file>', `results JSON (default ${DEFAULT_OUT})`)
    .option('--quick', 'a short smoke run: N = 10, 100, 10 ms per benchmark, few quality keys')
    .option('--n <list>', 'backend counts for pick(), comma-separated (default 10,100,1000,10000)')
    .option('--only <list>', 'only these schedulers, comma-separated')
    .option('--time <ms>', 'time budget per benchmark in ms (default 200, quick 10)')
    .option('--clock <wall|cpu>', 'what samples measure: wall time (default) or this process\'s CPU time (steadier on a busy machine)')
    .option('--quality-keys <count>', 'keys for the quality figures (default 50000, quick 2000)')
    .action(async (opts: MicroCommandOptions) => {
      await micro(opts, (text) => process.stdout.write(text));
      setExit(0);
    });
}
