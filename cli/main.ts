// The one binary. Each command lives in cli/commands/<name>.ts and registers itself here.
import { Command, CommanderError } from 'commander';
import { exitCodeFor, EXIT_USAGE } from './exit.ts';
import { version } from './version.ts';

type Register = (program: Command, setExit: (code: number) => void) => void;

const commands: Array<() => Promise<{ register: Register }>> = [
  () => import('./commands/clean.ts'),
  () => import('./commands/serve.ts'),
  () => import('./commands/rs-agent.ts'),
  () => import('./commands/bench.ts'),
  () => import('./commands/report.ts'),
  () => import('./commands/gate.ts'),
  () => import('./commands/conformance.ts'),
  () => import('./commands/demo.ts'),
  () => import('./commands/matrix.ts'),
  () => import('./commands/micro.ts'),
];

export async function main(argv: string[]): Promise<number> {
  let exitCode = 0;
  const program = new Command('fulcrum')
    .description('Conformance and benchmark harness for load balancers, with a reference balancer.')
    .version(version(), '-V, --version')
    .showHelpAfterError('(run with --help for usage)')
    .exitOverride();
  for (const load of commands) (await load()).register(program, (code) => (exitCode = code));
  try {
    await program.parseAsync(argv, { from: 'user' });
    return exitCode;
  } catch (err) {
    if (err instanceof CommanderError) {
      // --help and --version end here with exit code 0; usage errors were already printed.
      return err.exitCode === 0 ? 0 : EXIT_USAGE;
    }
    process.stderr.write(`fulcrum: ${(err as Error).message}\n`);
    return exitCodeFor(err);
  }
}
