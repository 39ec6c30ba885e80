// The bench profile of a target file: settings only `fulcrum bench` renders (scenario.profile
// 'bench'), through the same view as every conformance rendering.
import { describe, expect, it } from 'vitest';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ConfigError } from '../../reference/index.ts';
import { resolveTarget } from './registry.ts';
import { parseTargetFile } from './target-file.ts';
import { FileTarget } from './file-target.ts';
import { commandExists } from './commands.ts';
import type { Scenario } from '../types.ts';

const scenario = (over: Partial<Scenario> = {}): Scenario => ({
  mode: 'http',
  algorithm: { name: 'rr' },
  listen: { host: '127.20.0.1', port: 18080 },
  backends: [1, 2, 3].map((i) => ({ id: `b${i}`, host: `127.30.0.${i}`, port: 19000 + i, weight: 1 })),
  ...over,
});
const bench = (over: Partial<Scenario> = {}) => scenario({ ...over, profile: 'bench' });
const firstFile = (t: { render(s: Scenario): { files: { content: string }[] } }, s: Scenario) => t.render(s).files[0]?.content ?? '';
/** Lines in a but not in b. */
const added = (a: string, b: string) => a.split('\n').filter((l) => !b.split('\n').includes(l));

const HAVE_HAPROXY = await commandExists('haproxy');
const HAVE_NGINX = await commandExists('nginx');

describe('bench profile in the shipped target files', () => {
  it('haproxy: a bench adds exactly "nbthread 1"; a conformance run renders as before', async () => {
    const t = await resolveTarget('haproxy');
    for (const mode of ['http', 'tcp'] as const) {
      const conformance = firstFile(t, scenario({ mode }));
      const benched = firstFile(t, bench({ mode }));
      expect(conformance).not.toContain('nbthread');
      expect(added(benched, conformance)).toEqual(['  nbthread 1']);
      expect(added(conformance, benched)).toEqual([]);
    }
  });

  it('nginx: a bench keeps upstream connections alive in http mode only', async () => {
    const t = await resolveTarget('nginx');
    const conformance = firstFile(t, scenario());
    const benched = firstFile(t, bench());
    expect(added(benched, conformance).map((l) => l.trim())).toEqual(['keepalive 64;', 'proxy_http_version 1.1;', 'proxy_set_header Connection "";']);
    expect(added(conformance, benched)).toEqual([]);
    expect(firstFile(t, bench({ mode: 'tcp' }))).toBe(firstFile(t, scenario({ mode: 'tcp' })));
  });

  it.skipIf(!HAVE_HAPROXY)('haproxy accepts the bench rendering (haproxy -c)', async () => {
    const t = await resolveTarget('haproxy');
    const dir = mkdtempSync(join(tmpdir(), 'fulcrum-bp-'));
    try {
      for (const s of [bench(), bench({ mode: 'tcp', algorithm: { name: 'random' } })]) {
        writeFileSync(join(dir, 'haproxy.cfg'), firstFile(t, s));
        expect(() => execFileSync('haproxy', ['-c', '-q', '-f', join(dir, 'haproxy.cfg')], { stdio: 'pipe' })).not.toThrow();
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it.skipIf(!HAVE_NGINX)('nginx accepts the bench rendering (nginx -t)', async () => {
    const t = await resolveTarget('nginx');
    const dir = mkdtempSync(join(tmpdir(), 'fulcrum-bp-'));
    try {
      writeFileSync(join(dir, 'nginx.conf'), firstFile(t, bench()).replaceAll('{{dir}}', dir));
      expect(() => execFileSync('nginx', ['-t', '-q', '-p', dir, '-c', join(dir, 'nginx.conf'), '-e', 'stderr'], { stdio: 'pipe' })).not.toThrow();
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('bench profile in the format', () => {
  const file = (bench: string) =>
    new FileTarget(
      parseTargetFile(
        `schema: fulcrum/target@1
name: t
capabilities: [http, tcp]
algorithms: { rr: rr }
files:
  - path: c.conf
    template: "{{#bench}}bench{{/bench}}{{^bench}}conformance{{/bench}} workers={{bench.workers}}"
command: [x]
${bench}`,
        't.yaml',
      ),
      't.yaml',
    );

  it('settings are templates rendered with the scenario view; without a profile `bench` is still true in a bench', () => {
    const t = file(`bench:\n  settings:\n    workers: '{{#mode.http}}4{{/mode.http}}{{^mode.http}}2{{/mode.http}}'\n`);
    expect(firstFile(t, bench())).toBe('bench workers=4');
    expect(firstFile(t, bench({ mode: 'tcp' }))).toBe('bench workers=2');
    expect(firstFile(t, scenario())).toBe('conformance workers=');
    expect(firstFile(file(''), bench())).toBe('bench workers=');
  });

  it('a bad setting name is named by its field', () => {
    const err = (() => {
      try {
        file(`bench:\n  settings:\n    "no-dashes": 1\n`);
      } catch (e) {
        return e;
      }
      return undefined;
    })() as ConfigError;
    expect(err).toBeInstanceOf(ConfigError);
    expect(err.problems.join('\n')).toMatch(/^bench\.settings\.no-dashes: use letters, digits and "_"/m);
    expect(() => file(`bench:\n  threads: 2\n`)).toThrow(/bench: .*threads/);
  });
});
