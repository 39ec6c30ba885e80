// The one binary. Each command lives in cli/commands/<name>.ts and registers itself here.
import { Command, CommanderError } from 'commander';
import { exitCodeFor, EXIT_USAGE } from './exit.ts';
import { version } from '../reports/schema/index.ts';

type Register = (program: Command, setExit: (code: number) => void) => void;

// Keyed by command name so a run loads only its own module: `serve` starts once per conformance
// check and must not pay for loading the bench, report and container code.
const commands: Record<string, () => Promise<{ register: Register }>> = {
  demo: () => import('./commands/demo.ts'),
  conformance: () => import('./commands/conformance.ts'),
  matrix: () => import('./commands/matrix.ts'),
  serve: () => import('./commands/serve.ts'),
  bench: () => import('./commands/bench.ts'),
  report: () => import('./commands/report.ts'),
  gate: () => import('./commands/gate.ts'),
  micro: () => import('./commands/micro.ts'),
  simulate: () => import('./commands/simulate.ts'),
  clean: () => import('./commands/clean.ts'),
  'rs-agent': () => import('./commands/rs-agent.ts'),
};

/** The modules to load: only the named command's when argv names one, else all (for --help). */
function loadersFor(argv: readonly string[]): Array<() => Promise<{ register: Register }>> {
  const first = argv.find((a) => !a.startsWith('-'));
  const only = first === undefined ? undefined : commands[first];
  return only ? [only] : Object.values(commands);
}

export async function main(argv: string[]): Promise<number> {
  let exitCode = 0;
  const program = new Command('fulcrum')
    .description('Conformance and benchmark harness for load balancers, with a reference balancer.')
    .version(version(), '-V, --version')
    .showHelpAfterError('(run with --help for usage)')
    .exitOverride();
  for (const load of loadersFor(argv)) (await load()).register(program, (code) => (exitCode = code));
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
