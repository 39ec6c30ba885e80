// `fulcrum clean`: kill the process groups (balancers, agents) and remove the containers and
// networks the harness left behind (a run that crashed or was killed). By default only those whose owning process is gone, so a run still going on this
// machine is not pulled from under its feet; --all removes every fulcrum-labelled resource.
import type { Command } from 'commander';
import { reapOrphanedGroups, type GroupRecord, type LabelledResource } from '../../harness/index.ts';

export interface CleanOptions {
  all?: boolean;
  dryRun?: boolean;
  /** Only this run's resources. */
  run?: string;
}

export interface CleanReport {
  removed: LabelledResource[];
  /** Resources of runs still alive (kept unless --all). */
  kept: LabelledResource[];
  /** Local process groups of dead runs, killed (or, --dry-run, listed). Live runs' groups are never touched. */
  groups: GroupRecord[];
}

export async function clean(options: CleanOptions, write: (line: string) => void): Promise<CleanReport> {
  // Local driver processes first: they need no engine. Only groups recorded by a run that is dead;
  // --run names a container run, so it leaves local processes alone.
  const groups = options.run ? [] : reapOrphanedGroups({ dryRun: options.dryRun, log: write });
  if (groups.length > 0) write(`${options.dryRun ? 'would kill' : 'killed'} ${groups.length} process group(s) of dead runs`);
  // Loaded here, not at the top: every fulcrum command registers at start-up, and testcontainers is heavy.
  const { connectEngine } = await import('../../docker/index.ts');
  const { listLabelledResources, removeResources } = await (await import('../../harness/index.ts')).loadContainers();
  const client = await connectEngine();
  const scope = options.run ? { runId: options.run } : {};
  const every = await listLabelledResources(client, scope);
  const dead = new Set((await listLabelledResources(client, { ...scope, deadOwnersOnly: true })).map((r) => r.id));
  const selected = options.all ? every : every.filter((r) => dead.has(r.id));
  const kept = every.filter((r) => !selected.includes(r));
  const verb = options.dryRun ? 'would remove' : 'removing';
  for (const r of selected) write(`${verb} ${r.kind} ${r.name} (run ${r.runId}, created ${r.createdAt ?? 'unknown'})`);
  if (!options.dryRun && selected.length > 0) await removeResources(client, selected);
  const containers = selected.filter((r) => r.kind === 'container').length;
  write(
    `${options.dryRun ? 'would remove' : 'removed'} ${containers} container(s) and ${selected.length - containers} network(s)` +
      (kept.length > 0 ? `; kept ${kept.length} belonging to runs still alive (use --all to remove them too)` : ''),
  );
  return { removed: selected, kept, groups };
}

export function register(program: Command, setExit: (code: number) => void): void {
  program
    .command('clean')
    .description('Kill balancer and agent processes left behind by killed local runs (recorded in the state dir) and remove containers and networks left by crashed or killed container runs (found by their fulcrum.* labels).')
    .option('--all', 'also remove resources of runs that are still alive')
    .option('--dry-run', 'list what would be removed, remove nothing')
    .option('--run <id>', 'only the resources of this run (the fulcrum.run label)')
    .action(async (opts: CleanOptions) => {
      await clean(opts, (line) => process.stdout.write(`${line}\n`));
      setExit(0);
    });
}
