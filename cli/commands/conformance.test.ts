import { afterEach, describe, expect, it, vi } from 'vitest';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { main } from '../main.ts';
import { resultsSchema } from '../../reports/schema/index.ts';
import { liveGroups, commandExists } from '../../harness/index.ts';

const HAVE_HAPROXY = await commandExists('haproxy');

function capture() {
  const out: string[] = [];
  const err: string[] = [];
  vi.spyOn(process.stdout, 'write').mockImplementation((s) => (out.push(String(s)), true));
  vi.spyOn(process.stderr, 'write').mockImplementation((s) => (err.push(String(s)), true));
  return { out: () => out.join(''), err: () => err.join('') };
}

afterEach(() => {
  vi.restoreAllMocks();
  expect(liveGroups()).toEqual([]);
});

describe('fulcrum conformance: usage errors exit 2 with a clear message', () => {
  it('unknown target lists the built-in names', async () => {
    const io = capture();
    expect(await main(['conformance', '--target', 'nosuch'])).toBe(2);
    expect(io.err()).toMatch(/unknown target "nosuch": built-in targets are reference, .*haproxy/);
  });

  it('unreadable target file', async () => {
    const io = capture();
    expect(await main(['conformance', '--target', '/nonexistent/balancer.yaml'])).toBe(2);
    expect(io.err()).toContain('/nonexistent/balancer.yaml: invalid config');
    expect(io.err()).toContain('cannot read target file: ENOENT');
  });

  it('unknown driver', async () => {
    const io = capture();
    expect(await main(['conformance', '--target', 'haproxy', '--driver', 'nosuch'])).toBe(2);
    expect(io.err()).toMatch(/unknown driver "nosuch": available drivers are local/);
  });

  it('--only matching nothing', async () => {
    const io = capture();
    expect(await main(['conformance', '--target', 'haproxy', '--only', 'nothing.*'])).toBe(2);
    expect(io.err()).toMatch(/--only "nothing\.\*" matches no check; checks are distribution\.rr/);
  });

  it('missing --target, and --help on both commands', async () => {
    const io = capture();
    expect(await main(['conformance'])).toBe(2);
    expect(await main(['conformance', '--help'])).toBe(0);
    expect(await main(['demo', '--help'])).toBe(0);
    expect(io.out()).toContain('--target <name|file>');
    expect(io.out()).toContain('Run every conformance check against the reference balancer');
  });
});

// Skipped only where Debian's haproxy package is missing.
describe.skipIf(!HAVE_HAPROXY)('fulcrum conformance: runs and exit codes (haproxy installed)', () => {
  it('exit 0 and the three outputs when nothing failed; exit 1 when a check failed', { timeout: 120_000 }, async () => {
    const dir = mkdtempSync(join(tmpdir(), 'fulcrum-cli-'));
    try {
      const io = capture();
      expect(await main(['conformance', '--target', 'haproxy', '--only', 'source.xff,source.forwarded', '--out', join(dir, 'ok')])).toBe(0);
      const results = resultsSchema.parse(JSON.parse(readFileSync(join(dir, 'ok', 'results.json'), 'utf8')));
      expect(results.checks.map((c) => [c.id, c.status])).toEqual([['source.xff', 'pass'], ['source.forwarded', 'skip']]);
      expect(existsSync(join(dir, 'ok', 'junit.xml'))).toBe(true);
      expect(existsSync(join(dir, 'ok', 'report.html'))).toBe(true);
      expect(io.err()).toMatch(/\[1\/2\] source\.xff … pass \d+\.\ds/);
      expect(io.out()).toContain(join(dir, 'ok', 'report.html'));

      const brokenFile = fileURLToPath(new URL('../../harness/targets/broken/broken-no-xff.yaml', import.meta.url));
      expect(await main(['conformance', '--target', brokenFile, '--only', 'source.xff', '--out', join(dir, 'bad')])).toBe(1);
      const bad = resultsSchema.parse(JSON.parse(readFileSync(join(dir, 'bad', 'results.json'), 'utf8')));
      expect(bad.checks[0]).toMatchObject({ id: 'source.xff', status: 'fail', reason: 'the backend got no x-forwarded-for header' });
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
