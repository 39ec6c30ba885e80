import { execFile } from 'node:child_process';
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
