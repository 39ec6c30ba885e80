import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Command } from 'commander';
import { describe, expect, it } from 'vitest';
import { UsageError } from '../exit.ts';
import { folderFor, parseTargetList, register, runMatrix } from './matrix.ts';

describe('fulcrum matrix', () => {
  it('parses the target list and rejects empty or duplicate entries', () => {
    expect(parseTargetList(' reference, haproxy,,nginx ')).toEqual(['reference', 'haproxy', 'nginx']);
    expect(() => parseTargetList(' , ')).toThrow(UsageError);
    expect(() => parseTargetList('nginx,nginx')).toThrow(/"nginx" is listed twice/);
  });

  it('names result folders after targets, also for target files', () => {
    expect(folderFor('haproxy')).toBe('haproxy');
    expect(folderFor('./my targets/lb.yaml')).toBe('my_targets_lb');
  });

  it('an unknown target or driver is a usage error before anything runs', async () => {
    await expect(runMatrix({ targets: 'reference,nope', driver: 'local', out: '/nonexistent' }, () => {})).rejects.toThrow(UsageError);
    await expect(runMatrix({ targets: 'reference', driver: 'warp', out: '/nonexistent' }, () => {})).rejects.toThrow(/unknown driver "warp"/);
  });

  // Generous time: two targets, real processes, a shared 2-core machine.
  it('runs each target and writes one results folder per target plus the combined table', { timeout: 180_000 }, async () => {
    const out = await mkdtemp(join(tmpdir(), 'fulcrum-matrix-'));
    try {
      const outcome = await runMatrix({ targets: 'reference,haproxy', driver: 'local', only: 'distribution.rr,source.xff', out }, () => {});
      expect(outcome.perTarget.map((t) => [t.target, t.failed])).toEqual([
        ['reference', 0],
        ['haproxy', 0],
      ]);
      const md = await readFile(outcome.markdownPath, 'utf8');
      expect(md.split('\n')[0]).toMatch(/^\| check \| reference \S+ \| haproxy \S+ \|$/);
      expect(md).toContain('| `distribution.rr` | pass | pass |');
      expect(md).toContain('| `source.xff` | pass | pass |');
      const html = await readFile(outcome.htmlPath, 'utf8');
      expect(html).toContain('<code>distribution.rr</code>');
      const haproxy = JSON.parse(await readFile(join(out, 'haproxy', 'results.json'), 'utf8')) as { target: { name: string; driver: string } };
      expect(haproxy.target).toMatchObject({ name: 'haproxy', driver: 'local' });
    } finally {
      await rm(out, { recursive: true, force: true });
    }
  });

  it('runs under the containers driver: reference and HAProxy, each host a container', { timeout: 300_000 }, async () => {
    const out = await mkdtemp(join(tmpdir(), 'fulcrum-matrix-'));
    try {
      // One check each keeps this test short; the driver's own tests cover the rest.
      const outcome = await runMatrix({ targets: 'reference,haproxy', driver: 'containers', only: 'distribution.rr', out }, () => {});
      const md = await readFile(outcome.markdownPath, 'utf8');
      expect(md).toContain('| `distribution.rr` | pass | pass |');
      expect(md).toContain('Driver: containers.');
    } finally {
      await rm(out, { recursive: true, force: true });
    }
  });

  it('registers with a description and --help', () => {
    const program = new Command('fulcrum').exitOverride();
    register(program, () => {});
    const command = program.commands.find((c) => c.name() === 'matrix');
    expect(command?.description()).toMatch(/check × target/);
    expect(command?.helpInformation()).toMatch(/--targets <list>[\s\S]*--driver <name>[\s\S]*--only <glob>[\s\S]*--out <dir>/);
  });
});
