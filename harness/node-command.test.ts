import { execFile } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { nodeCommand } from './node-command.ts';

const run = promisify(execFile);

describe('nodeCommand', () => {
  it('runs agents from the cached bundle, not through tsx (a silent fallback doubles every check)', async () => {
    const argv = await nodeCommand('harness/agent/main.ts');
    expect(argv).toHaveLength(2);
    expect(argv[1]).toMatch(/node_modules\/\.cache\/fulcrum\/[0-9a-f]{16}\/harness\/agent\/main\.js$/);
  });

  it('the bundled CLI finds the same bundle from inside it (import.meta.url keeps its source meaning)', async () => {
    // `fulcrum micro --help` is cheap; the bundle must resolve its own paths (package.json for --version).
    const { stdout } = await run(process.execPath, [new URL('../bin/fulcrum.js', import.meta.url).pathname, '--version'], {
      env: { ...process.env, FULCRUM_DEBUG: '1' },
    });
    expect(stdout.trim()).toMatch(/^\d+\.\d+\.\d+$/);
  });

  it('falls back to tsx when asked', async () => {
    process.env.FULCRUM_NO_BUNDLE = '1';
    try {
      const argv = await nodeCommand('harness/agent/main.ts');
      expect(argv.slice(1, 2)).toEqual(['--import']);
      expect(argv.at(-1)).toMatch(/harness\/agent\/main\.ts$/);
    } finally {
      delete process.env.FULCRUM_NO_BUNDLE;
    }
  });
});

describe('bundle build', () => {
  it('a cold build leaves no esbuild service process behind', async () => {
    const cache = await mkdtemp(join(tmpdir(), 'fulcrum-bundle-'));
    try {
      // A fresh process with an empty cache builds the bundle, then lists its own children.
      const script = `
        const { bundledEntry } = await import(${JSON.stringify(new URL('../bin/bundle.js', import.meta.url).href)});
        const path = await bundledEntry('harness/agent/main.ts');
        const { execFileSync } = await import('node:child_process');
        // stop() ends the service at once; Node reaps the exited child on a later tick.
        await new Promise((r) => setTimeout(r, 200));
        let children = '';
        try { children = execFileSync('pgrep', ['-P', String(process.pid)]).toString().trim(); } catch {}
        console.log(JSON.stringify({ path, children: children.split('\\n').filter((pid) => pid && Number(pid) !== process.pid) }));`;
      const { stdout } = await run(process.execPath, ['--input-type=module', '-e', script], { env: { ...process.env, FULCRUM_BUNDLE_CACHE: cache }, timeout: 60_000 });
      const out = JSON.parse(stdout) as { path: string; children: string[] };
      expect(out.path.startsWith(cache)).toBe(true);
      expect(out.children).toEqual([]);
    } finally {
      await rm(cache, { recursive: true, force: true });
    }
  });
});
