import { spawn } from 'node:child_process';
import { Command } from 'commander';
import { describe, expect, it } from 'vitest';
import { connectEngine, resolveHostImage } from '../../docker/index.ts';
import { loadContainers } from '../../harness/index.ts';
import { clean, register } from './clean.ts';

const { listLabelledResources, LABEL_RUN } = await loadContainers();

/** A pid that surely belongs to no process any more: a child that has exited. */
async function deadPid(): Promise<number> {
  const child = spawn(process.execPath, ['-e', '0']);
  await new Promise((r) => child.on('exit', r));
  return child.pid as number;
}

/** What a crashed run leaves: a labelled network and a container on it, owned by a dead process. */
async function simulateCrashedRun(runId: string, owner: string): Promise<void> {
  const client = await connectEngine();
  const image = await resolveHostImage(client);
  const labels = { [LABEL_RUN]: runId, 'fulcrum.owner': owner, 'fulcrum.created': new Date().toISOString() };
  const docker = client.container.dockerode;
  const network = await docker.createNetwork({ Name: `fulcrum-${runId}-net`, Internal: true, Labels: labels, IPAM: { Config: [{ Subnet: `198.19.${200 + Math.floor(Math.random() * 50)}.0/24` }] } });
  await docker.createContainer({
    Image: image.name,
    name: `fulcrum-${runId}-host`,
    Cmd: ['/usr/bin/sleep', 'infinity'],
    Labels: labels,
    HostConfig: { NetworkMode: network.id, Binds: image.binds.map((b) => `${b.source}:${b.target}:${b.mode}`) },
  });
}

describe('fulcrum clean', () => {
  it('removes a crashed run, keeps a live one, and --dry-run removes nothing', async () => {
    const { hostname } = await import('node:os');
    const crashed = `test-crashed-${process.pid}-${Date.now().toString(36)}`;
    const alive = `test-alive-${process.pid}-${Date.now().toString(36)}`;
    const client = await connectEngine();
    try {
      await simulateCrashedRun(crashed, `${hostname()}:${await deadPid()}`);
      await simulateCrashedRun(alive, `${hostname()}:${process.pid}`);

      const lines: string[] = [];
      // Scoped to our runs: other test files may have live topologies (or staged crashes) of their own.
      const dry = await clean({ dryRun: true, run: crashed }, (l) => lines.push(l));
      expect(dry.removed.filter((r) => r.runId === crashed).map((r) => r.kind).sort()).toEqual(['container', 'network']);
      expect((await listLabelledResources(client, { runId: crashed })).length).toBe(2);
      expect(lines).toContain(`would remove network fulcrum-${crashed}-net (run ${crashed}, created ${dry.removed.find((r) => r.kind === 'network' && r.runId === crashed)?.createdAt})`);

      const report = await clean({ run: crashed }, () => {});
      expect(report.removed.map((r) => r.kind).sort()).toEqual(['container', 'network']);
      const kept = await clean({ run: alive }, () => {});
      expect(kept.removed).toEqual([]);
      expect(kept.kept.length).toBe(2);
      expect(await listLabelledResources(client, { runId: crashed })).toEqual([]);
      expect((await listLabelledResources(client, { runId: alive })).length).toBe(2);
    } finally {
      // Only our own live run: --all would also remove other tests' running topologies.
      const { removeRun } = await loadContainers();
      await removeRun(client, alive);
      await removeRun(client, crashed);
    }
    expect(await listLabelledResources(client, { runId: alive })).toEqual([]);
  });

  it('registers with a description and --help', () => {
    const program = new Command('fulcrum').exitOverride();
    register(program, () => {});
    const command = program.commands.find((c) => c.name() === 'clean');
    expect(command?.description()).toMatch(/left behind/);
    expect(command?.helpInformation()).toMatch(/--all[\s\S]*--dry-run[\s\S]*--run <id>/);
  });
});
