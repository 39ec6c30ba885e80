import { execFileSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { withFdLimit } from './fd-limit.ts';

describe('withFdLimit', () => {
  it('leaves a launch without fdLimit as it was', () => {
    const launch = { files: [], command: ['haproxy', '-f', 'x'] };
    expect(withFdLimit(launch, undefined)).toBe(launch);
  });

  it('runs the command under prlimit, which the process then sees as its open-file limit', () => {
    const launch = withFdLimit({ files: [], command: ['sh', '-c', 'ulimit -n; ulimit -Hn'] }, 64);
    expect(launch.command.slice(0, 3)).toEqual(['prlimit', '--nofile=64:64', '--']);
    const [cmd, ...args] = launch.command;
    expect(execFileSync(cmd!, args, { encoding: 'utf8' })).toBe('64\n64\n');
  });

  it('names the field when the limit is not usable', () => {
    expect(() => withFdLimit({ files: [], command: ['x'] }, 3)).toThrow(/fdLimit must be .* ≥ 16, got 3/);
  });
});
