// `npm run fuzz`: long fuzz campaigns, one target after another, each in a worker with a watchdog.
//   npm run fuzz -- [--target proxy-header,l7-head,lvs-packet,lvs-engine] [--count 10000000]
//                   [--seconds 600] [--seed 1] [--hang-ms 250] [--stall-seconds 10]
//   npm run fuzz -- --replay harness/fuzz/crashes/*.json
// Prints inputs/s, total inputs, crashes and hangs per target; writes each crash/hang as a file.
import { Command } from 'commander';
import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { CRASH_DIR } from './corpus.ts';
import { readCrash, writeCrash } from './crash-file.ts';
import { knownFindings } from './known-findings.ts';
import { replayCrash } from './replay.ts';
import { fuzzTargets } from './targets/index.ts';
import { campaign } from './watchdog.ts';

interface Args {
  target: string;
  count: number;
  seconds: number;
  seed: number;
  hangMs: number;
  stallSeconds: number;
  out: string;
  strict: boolean;
  replay?: string[];
}

function progress(target: string, inputs: number, elapsedMs: number): void {
  process.stdout.write(`  ${target}: ${inputs} inputs, ${Math.round(inputs / (elapsedMs / 1000))}/s\n`);
}

async function fuzz(a: Args): Promise<number> {
  const names = a.target === 'all' ? fuzzTargets.map((t) => t.name) : a.target.split(',');
  const rows: string[] = [];
  let bad = 0;
  for (const name of names) {
    if (!fuzzTargets.some((t) => t.name === name)) throw new RangeError(`--target: unknown target "${name}" (known: ${fuzzTargets.map((t) => t.name).join(', ')}, all)`);
    let inputs = 0;
    let elapsed = 0;
    let crashes = 0;
    let hangs = 0;
    const allFiles: string[] = [];
    const known: Record<string, number> = {};
    // A hang ends the worker: go on with a fresh one (next seed) until the budget is spent.
    for (let round = 0; inputs < a.count && elapsed < a.seconds * 1000; round++) {
      const r = await campaign({ target: name, seed: a.seed + round * 1_000_003, count: a.count - inputs, durationMs: a.seconds * 1000 - elapsed, hangMs: a.hangMs, strict: a.strict }, a.stallSeconds * 1000, progress);
      const files = r.crashes.map((c) => writeCrash(a.out, { target: name, kind: c.kind, error: c.error, seed: c.seed, path: c.path, input: c.input }));
      for (const [id, k] of Object.entries(r.known)) known[id] = (known[id] ?? 0) + k.inputs;
      inputs += r.inputs;
      elapsed += r.elapsedMs;
      crashes += r.crashes.filter((c) => c.kind === 'crash').length;
      hangs += r.crashes.filter((c) => c.kind === 'hang').length;
      allFiles.push(...files);
      if (!r.crashes.some((c) => c.kind === 'hang' && c.error.startsWith('no progress'))) break;
    }
    bad += crashes + hangs;
    rows.push(`${name.padEnd(14)} ${String(Math.round(inputs / (elapsed / 1000))).padStart(9)} ${String(inputs).padStart(12)} ${String(crashes).padStart(8)} ${String(hangs).padStart(6)}  seed ${a.seed}`);
    for (const f of allFiles) rows.push(`  ${f}`);
    for (const [id, n] of Object.entries(known)) rows.push(`  known finding ${id}: ${n} inputs (${knownFindings.find((k) => k.id === id)?.owner ?? '?'})`);
    process.stdout.write(`done: ${rows.slice(rows.findIndex((r) => r.startsWith(name))).join('\n')}\n`);
  }
  process.stdout.write(`\ntarget          inputs/s       inputs  crashes  hangs\n${rows.join('\n')}\n`);
  return bad === 0 ? 0 : 1;
}

function replay(files: string[]): number {
  const saved = existsSync(CRASH_DIR) ? readdirSync(CRASH_DIR).filter((f) => f.endsWith('.json')).map((f) => join(CRASH_DIR, f)) : [];
  const list = files.length > 0 ? files : saved;
  if (list.length === 0) process.stdout.write(`no crash files in ${CRASH_DIR}\n`);
  let failing = 0;
  for (const file of list) {
    const c = readCrash(file);
    const r = replayCrash(c.target, c.input);
    if (!r.ok) failing++;
    process.stdout.write(`${r.ok ? 'fixed ' : 'FAILS '} ${file}${r.ok ? '' : `\n  ${r.error}`}\n`);
  }
  return failing === 0 ? 0 : 1;
}

const program = new Command('fuzz')
  .option('--target <names>', 'comma-separated targets, or all', 'all')
  .option('--count <n>', 'inputs per target', (v) => parseInt(v, 10), 10_000_000)
  .option('--seconds <n>', 'time per target', (v) => parseInt(v, 10), 600)
  .option('--seed <n>', 'fast-check seed', (v) => parseInt(v, 10), 1)
  .option('--hang-ms <n>', 'an input slower than this is a hang', (v) => parseInt(v, 10), 250)
  .option('--stall-seconds <n>', 'the watchdog stops an input after this long', (v) => parseInt(v, 10), 10)
  .option('--out <dir>', 'where crash files go', CRASH_DIR)
  .option('--strict', 'count known findings (known-findings.ts) as crashes', false)
  .option('--replay [files...]', 'replay crash files (default: every file in harness/fuzz/crashes)')
  .action(async () => {
    const a = program.opts<Args & { replay?: string[] | boolean }>();
    process.exitCode = a.replay !== undefined ? replay(Array.isArray(a.replay) ? a.replay : []) : await fuzz(a);
  });
await program.parseAsync(process.argv);
