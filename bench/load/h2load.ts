// h2load (nghttp2's benchmarking client; https://nghttp2.org/documentation/h2load-howto.html) as a
// closed-loop generator: one thread, `connections` clients, one request in flight per client, for a
// timed main duration (-D, which takes milliseconds). It speaks HTTP/1.1 here (--h1): the null target
// and the balancers' bench listeners are HTTP/1.1 (h2load would otherwise try h2c prior knowledge).
//
// Counts come from its summary ("requests: … done, … errored, … timeout", "status codes: …"); latencies
// from its per-request log (--log-file, in a temp directory removed after the run: start µs since the
// epoch, status or -1 for a failed stream, µs to the end of the response) into our HDR histogram, so
// percentiles and the per-second timeline are computed exactly as for the in-process generators.
// h2load has no per-request timeout: -N closes a connection idle for the timeout (counted as timeout).
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { GeneratorMissingError, findOnPath, pinnedArgv, runBounded, tail } from './external.ts';
import type { GeneratorRunOptions, LoadGenerator } from './generator.ts';
import { LatencyRecorder } from './latency-recorder.ts';
import { assertLoopbackUrl } from './loopback.ts';
import type { LoadOutcome } from './types.ts';

const INSTALL = 'install it with apt-get install nghttp2-client (Debian/Ubuntu; the package that has /usr/bin/h2load)';
const GRACE_MS = 5000;

/** The command line (without a taskset prefix). Pure. */
export function h2loadArgv(opts: Pick<GeneratorRunOptions, 'url' | 'connections' | 'durationMs' | 'timeoutMs'>, logPath: string, binary = 'h2load'): string[] {
  const timeoutS = Math.max(1, Math.ceil((opts.timeoutMs ?? 10_000) / 1000));
  return [binary, '--h1', '-t1', `-c${opts.connections}`, '-m1', `-D${Math.max(1, Math.round(opts.durationMs))}ms`, `-N${timeoutS}s`, `--log-file=${logPath}`, opts.url];
}

export interface H2loadSummary {
  seconds: number;
  done: number;
  errored: number;
  timeout: number;
  status: { '2xx': number; '3xx': number; '4xx': number; '5xx': number };
}

/** The summary h2load prints at the end. Pure; throws when a line is missing. */
export function parseH2loadSummary(stdout: string): H2loadSummary {
  const finished = /^finished in ([\d.]+)(us|ms|s),/m.exec(stdout);
  const requests = /^requests: (\d+) total, (\d+) started, (\d+) done, (\d+) succeeded, (\d+) failed, (\d+) errored, (\d+) timeout/m.exec(stdout);
  const status = /^status codes: (\d+) 2xx, (\d+) 3xx, (\d+) 4xx, (\d+) 5xx/m.exec(stdout);
  if (!finished || !requests || !status) throw new Error(`h2load printed no summary: ${tail(stdout) || '(no output)'}`);
  const scale = { us: 1e-6, ms: 1e-3, s: 1 }[finished[2] as 'us' | 'ms' | 's'];
  const n = (m: RegExpExecArray, i: number) => Number(m[i]);
  return {
    seconds: Number(finished[1]) * scale,
    done: n(requests, 3),
    errored: n(requests, 6),
    timeout: n(requests, 7),
    status: { '2xx': n(status, 1), '3xx': n(status, 2), '4xx': n(status, 3), '5xx': n(status, 4) },
  };
}

/** Calls `row` for every well-formed line of an h2load --log-file. Pure. */
export function forEachH2loadRow(log: string, row: (startUs: number, status: number, durationUs: number) => void): void {
  for (const line of log.split('\n')) {
    const [a, b, c] = line.split('\t');
    if (c === undefined) continue;
    const startUs = Number(a);
    const status = Number(b);
    const durationUs = Number(c);
    if (Number.isFinite(startUs) && Number.isFinite(status) && Number.isFinite(durationUs)) row(startUs, status, durationUs);
  }
}

/** Summary plus per-request log as a LoadOutcome. Pure (in-memory histograms). */
export function h2loadOutcome(stdout: string, log: string): LoadOutcome {
  const s = parseH2loadSummary(stdout);
  if (!(s.seconds > 0)) throw new Error(`h2load reports a zero duration: ${tail(stdout)}`);
  const recorder = new LatencyRecorder();
  let t0 = Infinity;
  forEachH2loadRow(log, (startUs, status) => {
    if (status >= 0 && startUs < t0) t0 = startUs;
  });
  forEachH2loadRow(log, (startUs, status, durationUs) => {
    if (status >= 0) recorder.record(durationUs / 1000, (startUs + durationUs - t0) / 1e6);
  });
  return recorder.finish({
    // Answered requests: errored streams (status -1) got no response.
    requests: Math.max(0, s.done - s.errored),
    measuredSeconds: s.seconds,
    errors: s.errored + s.timeout,
    non2xx: s.status['3xx'] + s.status['4xx'] + s.status['5xx'],
    timelineSeconds: s.seconds,
  });
}

/** "h2load nghttp2/1.52.0" → itself; anything else → a placeholder. Pure. */
export function parseH2loadVersion(output: string): string {
  const m = /^h2load\s+(\S+)/m.exec(output);
  return m ? `h2load ${m[1]}` : 'h2load (version unknown)';
}

export const h2load: LoadGenerator = {
  name: 'h2load',
  pinnable: true,
  closeConnectionsUnsupported: 'h2load keeps its connections open (no new connection per request)',
  async version() {
    const bin = findOnPath('h2load');
    if (!bin) throw new GeneratorMissingError('h2load', 'h2load', INSTALL);
    const out = await runBounded([bin, '--version'], 5000, 'h2load --version');
    return parseH2loadVersion(out.stdout + out.stderr);
  },
  async run(opts) {
    assertLoopbackUrl(opts.url, opts.ownHosts);
    if (opts.closeConnections) throw new RangeError(h2load.closeConnectionsUnsupported);
    const bin = findOnPath('h2load');
    if (!bin) throw new GeneratorMissingError('h2load', 'h2load', INSTALL);
    const dir = await mkdtemp(join(tmpdir(), 'fulcrum-h2load-'));
    try {
      const logPath = join(dir, 'requests.tsv');
      const argv = pinnedArgv(h2loadArgv(opts, logPath, bin), opts.cpu, findOnPath('taskset'));
      const out = await runBounded(argv, opts.durationMs + (opts.timeoutMs ?? 10_000) + GRACE_MS, 'h2load');
      if (out.code !== 0) throw new Error(`h2load exited with ${out.code ?? out.signal}: ${tail(out.stderr + out.stdout)}`);
      return h2loadOutcome(out.stdout, await readFile(logPath, 'utf8').catch(() => ''));
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  },
};
