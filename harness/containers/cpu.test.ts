import { describe, expect, it } from 'vitest';
import { parseCgroupCpu } from './cpu.ts';

describe('container CPU from its cgroup', () => {
  it('reads cgroup v2 usage_usec and v1 cpuacct.usage nanoseconds', () => {
    expect(parseCgroupCpu('/sys/fs/cgroup/cpu.stat', 'usage_usec 2500000\nuser_usec 2000000\nsystem_usec 500000\n')).toBe(2.5);
    expect(parseCgroupCpu('/sys/fs/cgroup/cpuacct/cpuacct.usage', '1250000000\n')).toBe(1.25);
  });

  it('gives undefined for text that is not a counter, rather than a wrong number', () => {
    expect(parseCgroupCpu('/sys/fs/cgroup/cpu.stat', 'user_usec 2000000\n')).toBeUndefined();
    expect(parseCgroupCpu('/sys/fs/cgroup/cpuacct/cpuacct.usage', 'cat: permission denied\n')).toBeUndefined();
  });
});
