import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { version } from '../reports/schema/index.ts';

const run = promisify(execFile);
const BIN = new URL('../bin/fulcrum.js', import.meta.url).pathname;

async function fulcrum(...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  try {
    const { stdout, stderr } = await run(process.execPath, [BIN, ...args], { timeout: 30_000 });
    return { code: 0, stdout, stderr };
  } catch (err) {
    const e = err as { code: number; stdout: string; stderr: string };
    return { code: e.code, stdout: e.stdout, stderr: e.stderr };
  }
}

describe('fulcrum CLI conventions', () => {
  it('--help lists the commands and exits 0', async () => {
    const { code, stdout } = await fulcrum('--help');
    expect(code).toBe(0);
    expect(stdout).toContain('Usage: fulcrum');
    for (const cmd of ['serve', 'conformance', 'demo']) expect(stdout).toContain(cmd);
  });

  it('--version prints the package version', async () => {
    const { code, stdout } = await fulcrum('--version');
    expect(code).toBe(0);
    expect(stdout.trim()).toBe(version());
  });

  it('an unknown command is a usage error: exit 2 with a hint', async () => {
    const { code, stderr } = await fulcrum('no-such-command');
    expect(code).toBe(2);
    expect(stderr).toMatch(/unknown command|too many arguments/);
    expect(stderr).toContain('--help');
  });

  it('every command has its own --help', async () => {
    const { stdout } = await fulcrum('--help');
    const names = [...stdout.matchAll(/^ {2}([a-z][a-z-]*)\b/gm)].map((m) => m[1] as string).filter((n) => n !== 'help');
    expect(names.length).toBeGreaterThan(0);
    for (const name of names) {
      const { code, stdout: help } = await fulcrum(name, '--help');
      expect(code, name).toBe(0);
      expect(help, name).toContain(`Usage: fulcrum ${name}`);
    }
  });
});
