// HAProxy as a bench target (Debian's haproxy package). Renders haproxy.cfg from a scenario.
// Algorithm names map to HAProxy's `balance` keywords; p2c is `random(2)` (power of two
// random choices by load), as HAProxy documents it.
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import type { Scenario, Target, TargetLaunch } from '../../harness/types.ts';

const run = promisify(execFile);

const BALANCE: Record<string, string> = { rr: 'roundrobin', wrr: 'roundrobin', lc: 'leastconn', random: 'random', p2c: 'random(2)', first: 'first' };

export const haproxyTarget: Target = {
  name: 'haproxy',
  capabilities: ['http', 'tcp', ...Object.keys(BALANCE).map((a) => `algorithm:${a}`)],
  async version() {
    try {
      const { stdout } = await run('haproxy', ['-v'], { timeout: 3000 });
      return /HAProxy version (\S+)/.exec(stdout)?.[1];
    } catch {
      return undefined;
    }
  },
  async available() {
    return (await this.version()) ? { ok: true } : { ok: false, reason: 'haproxy is not installed (apt-get install haproxy)' };
  },
  render(s: Scenario): TargetLaunch {
    const balance = BALANCE[s.algorithm.name];
    if (!balance) throw new Error(`haproxy has no algorithm "${s.algorithm.name}"`);
    const cfg = [
      'global',
      '  maxconn 4096',
      '  nbthread 1',
      'defaults',
      `  mode ${s.mode}`,
      '  timeout connect 2s',
      '  timeout client 30s',
      '  timeout server 30s',
      ...(s.mode === 'http' ? ['  option http-keep-alive'] : []),
      'frontend fe',
      `  bind ${s.listen.host}:${s.listen.port}`,
      '  default_backend be',
      'backend be',
      `  balance ${balance}`,
      ...s.backends.map((b) => `  server ${b.id} ${b.host}:${b.port} weight ${b.weight}`),
      '',
    ].join('\n');
    return {
      files: [{ path: 'haproxy.cfg', content: cfg }],
      command: ['haproxy', '-db', '-f', '{{dir}}/haproxy.cfg'],
      readyWhen: { tcp: s.listen },
    };
  },
};
