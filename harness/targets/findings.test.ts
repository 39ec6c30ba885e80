import { describe, expect, it } from 'vitest';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { judgeFindings, loadFindings, parseFindings, type Finding } from './findings.ts';

const finding = (check: string, target = 'nginx'): Finding => ({ check, target, why: 'nginx does this by design, see the source', source: 'https://nginx.org/en/docs/' });

describe('documented findings', () => {
  it('a failure is documented only by a finding for the same target and check id', () => {
    const checks = [
      { id: 'algorithms.share.p2c', status: 'fail', reason: 'shares' },
      { id: 'security.framing.cl-te', status: 'fail', reason: 'smuggled' },
      { id: 'distribution.rr', status: 'pass' },
    ];
    const v = judgeFindings('nginx', checks, [finding('security.framing.cl-te'), finding('algorithms.share.p2c', 'caddy')]);
    expect(v.undocumented).toEqual([{ check: 'algorithms.share.p2c', reason: 'shares' }]);
    expect(v.documented.map((f) => f.check)).toEqual(['security.framing.cl-te']);
    expect(v.stale).toEqual([]);
  });

  it('a finding whose check passes is stale; one whose check did not run is not', () => {
    const v = judgeFindings('nginx', [{ id: 'distribution.rr', status: 'pass' }], [finding('distribution.rr'), finding('security.limits.headers')]);
    expect(v.stale.map((f) => f.check)).toEqual(['distribution.rr']);
  });

  it('an intermittent finding (a statistical check failed only in some runs) is not stale when it passes', () => {
    const v = judgeFindings('caddy', [{ id: 'algorithms.held.p2c', status: 'pass' }], [{ ...finding('algorithms.held.p2c', 'caddy'), intermittent: true }]);
    expect(v.stale).toEqual([]);
    const failed = judgeFindings('caddy', [{ id: 'algorithms.held.p2c', status: 'fail', reason: 'gap 9' }], [{ ...finding('algorithms.held.p2c', 'caddy'), intermittent: true }]);
    expect(failed.undocumented).toEqual([]);
    expect(failed.documented.map((f) => f.check)).toEqual(['algorithms.held.p2c']);
  });

  it('a bad findings file names the field', () => {
    const text = 'schema: fulcrum/findings@1\nfindings:\n  - { check: Bad Id, target: nginx, why: short, source: nowhere }\n';
    expect(() => parseFindings(text, 'x.yaml')).toThrow(/findings\[0\]\.check[\s\S]*findings\[0\]\.why[\s\S]*findings\[0\]\.source/);
  });

  it('loads every *.yaml in the folder; the shipped findings parse', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'fulcrum-findings-'));
    try {
      const file = (f: Finding) => `schema: fulcrum/findings@1\nfindings:\n  - ${JSON.stringify(f)}\n`;
      writeFileSync(join(dir, 'a.yaml'), file(finding('algorithms.share.p2c')));
      writeFileSync(join(dir, 'b.yaml'), file(finding('security.framing.cl-te', 'caddy')));
      writeFileSync(join(dir, 'notes.txt'), 'not a findings file');
      expect((await loadFindings(`${dir}/`)).map((f) => `${f.target}:${f.check}`)).toEqual(['nginx:algorithms.share.p2c', 'caddy:security.framing.cl-te']);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
    await expect(loadFindings()).resolves.toBeInstanceOf(Array);
  });
});
