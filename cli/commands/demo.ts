// `fulcrum demo [--out DIR]`: the reference balancer, three local backends, every check.
import type { Command } from 'commander';
import { conformance } from './conformance.ts';

export function register(program: Command, setExit: (code: number) => void): void {
  program
    .command('demo')
    .description('Run every conformance check against the reference balancer on loopback (no root) and write a report')
    .option('-o, --out <dir>', 'where to write results.json, junit.xml and report.html', 'fulcrum-out')
    .action(async (opts: { out: string }) => {
      setExit((await conformance({ target: 'reference', driver: 'local', out: opts.out })).code);
    });
}
