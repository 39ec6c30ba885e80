// wrk (Debian's wrk 4.1; https://github.com/wg/wrk) as a closed-loop generator: one thread (it is
// pinned to one CPU), `connections` keep-alive connections, each sending its next request when the
// last answer arrived. A Lua done() hook prints the counts and HDR percentiles as one JSON line
// (FULCRUM_WRK {...}), parsed here instead of wrk's human text; the script lives in a temp
// directory removed after the run.
//
// wrk takes whole seconds only (-d1s, not 300ms): a duration is rounded up to whole seconds, at
// least 1, and req/s is over wrk's own measured duration. wrk counts as status errors only answers
// ≥ 400 (no 3xx), and it keeps no per-second figures, so the timeline stays empty. With
// closeConnections every request carries "Connection: close" and wrk reconnects after each answer.
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { GeneratorMissingError, findOnPath, pinnedArgv, runBounded, tail } from './external.ts';
import type { GeneratorRunOptions, LoadGenerator } from './generator.ts';
import { assertLoopbackUrl } from './loopback.ts';
import type { LoadOutcome } from './types.ts';

const INSTALL = 'install it with apt-get install wrk (Debian/Ubuntu)';
const MARK = 'FULCRUM_WRK ';
const GRACE_MS = 5000;

/** Prints one machine-readable line when wrk is done; latencies in µs, duration in µs. */
export const WRK_REPORT_LUA = `-- written by fulcrum bench: one JSON line with wrk's counts and latency percentiles
done = function(summary, latency, requests)
  local e = summary.errors
  io.write(string.format('${MARK}{"requests":%d,"durationUs":%d,"connect":%d,"read":%d,"write":%d,"status":%d,"timeout":%d,"maxUs":%d,"meanUs":%.3f,"p50Us":%d,"p90Us":%d,"p99Us":%d,"p999Us":%d}\\n',
    summary.requests, summary.duration, e.connect, e.read, e.write, e.status, e.timeout,
    latency.max, latency.mean, latency:percentile(50), latency:percentile(90), latency:percentile(99), latency:percentile(99.9)))
end
`;

/** wrk's duration: whole seconds, rounded up, at least 1. */
export function wrkSeconds(durationMs: number): number {
  return Math.max(1, Math.ceil(durationMs / 1000 - 1e-9));
}

/** The command line (without a taskset prefix). Pure. */
export function wrkArgv(opts: Pick<GeneratorRunOptions, 'url' | 'connections' | 'durationMs' | 'timeoutMs' | 'closeConnections'>, scriptPath: string, binary = 'wrk'): string[] {
  const timeoutS = Math.max(1, Math.ceil((opts.timeoutMs ?? 10_000) / 1000));
  return [
    binary,
    '-t1',
    `-c${opts.connections}`,
    `-d${wrkSeconds(opts.durationMs)}s`,
    `--timeout`,
    `${timeoutS}s`,
    ...(opts.closeConnections ? ['-H', 'Connection: close'] : []),
    '-s',
    scriptPath,
    opts.url,
  ];
}

/** wrk's report line as a LoadOutcome. Pure; throws when the line is missing or malformed. */
export function parseWrk(stdout: string): LoadOutcome {
  const line = stdout.split('\n').find((l) => l.startsWith(MARK));
  if (!line) throw new Error(`wrk printed no ${MARK.trim()} line: ${tail(stdout) || '(no output)'}`);
  const r = JSON.parse(line.slice(MARK.length)) as Record<string, unknown>;
  const num = (k: string): number => {
    const v = r[k];
    if (typeof v !== 'number' || !Number.isFinite(v) || v < 0) throw new Error(`wrk's report line has no valid "${k}": ${line}`);
    return v;
  };
  const measuredSeconds = num('durationUs') / 1e6;
  if (!(measuredSeconds > 0)) throw new Error(`wrk's report line has a zero duration: ${line}`);
  const requests = num('requests');
  const ms = (k: string) => num(k) / 1000;
  return {
    requests,
    rps: requests / measuredSeconds,
    measuredSeconds,
    latencyMs: requests > 0 ? { p50: ms('p50Us'), p90: ms('p90Us'), p99: ms('p99Us'), p999: ms('p999Us'), max: ms('maxUs'), mean: ms('meanUs') } : { p50: 0, p90: 0, p99: 0, p999: 0, max: 0, mean: 0 },
    errors: num('connect') + num('read') + num('write') + num('timeout'),
    non2xx: num('status'),
    timeline: [],
  };
}

/** "wrk debian/4.1.0-3+b2 [epoll] Copyright …" → "wrk debian/4.1.0-3+b2". Pure. */
export function parseWrkVersion(output: string): string {
  const m = /^wrk\s+(\S+)/m.exec(output);
  return m ? `wrk ${m[1]}` : 'wrk (version unknown)';
}

export const wrk: LoadGenerator = {
  name: 'wrk',
  pinnable: true,
  async version() {
    const bin = findOnPath('wrk');
    if (!bin) throw new GeneratorMissingError('wrk', 'wrk', INSTALL);
    // wrk -v prints its version, then its usage, and exits 1.
    const out = await runBounded([bin, '-v'], 5000, 'wrk -v');
    return parseWrkVersion(out.stdout + out.stderr);
  },
  async run(opts) {
    assertLoopbackUrl(opts.url, opts.ownHosts);
    const bin = findOnPath('wrk');
    if (!bin) throw new GeneratorMissingError('wrk', 'wrk', INSTALL);
    const dir = await mkdtemp(join(tmpdir(), 'fulcrum-wrk-'));
    try {
      const script = join(dir, 'report.lua');
      await writeFile(script, WRK_REPORT_LUA);
      const argv = pinnedArgv(wrkArgv(opts, script, bin), opts.cpu, findOnPath('taskset'));
      const killAfter = wrkSeconds(opts.durationMs) * 1000 + (opts.timeoutMs ?? 10_000) + GRACE_MS;
      const out = await runBounded(argv, killAfter, 'wrk');
      if (out.code !== 0) throw new Error(`wrk exited with ${out.code ?? out.signal}: ${tail(out.stderr + out.stdout)}`);
      return parseWrk(out.stdout);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  },
};
