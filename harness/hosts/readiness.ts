// Waiting for a target's balancer to become ready, the same way under every driver: it accepts TCP
// on its readiness endpoint (default: the listen address), or a fixed delay passed (udp). A process
// that exits first, or never gets ready within the bound, is an error carrying its last output.
import { acceptsTcp } from './ports.ts';
import type { Scenario, TargetLaunch } from '../types.ts';

/** What readiness needs of a started balancer, local process or container. */
export interface ReadinessProcess {
  exited(): { code: number | null; signal?: string | null } | undefined;
  whenExited(): Promise<unknown>;
  logs(): string;
}

export async function waitReady(
  name: string,
  proc: ReadinessProcess,
  scenario: Scenario,
  launch: TargetLaunch,
  timeoutMs: number,
  makeError: (message: string) => Error,
): Promise<void> {
  const when = launch.readyWhen ?? (scenario.mode === 'udp' ? { delayMs: 500 } : { tcp: scenario.listen });
  const where = `${scenario.listen.host}:${scenario.listen.port}`;
  const early = () => {
    const e = proc.exited();
    if (!e) return undefined;
    const how = e.signal !== undefined ? `code ${e.code}, signal ${e.signal}` : `code ${e.code}`; // containers report no signal
    return makeError(`target ${name} exited (${how}) before it was ready on ${where}\n${describeLogs(proc.logs())}`);
  };
  if ('delayMs' in when) {
    await Promise.race([new Promise((r) => setTimeout(r, when.delayMs)), proc.whenExited()]);
    const err = early();
    if (err) throw err;
    return;
  }
  const deadline = performance.now() + timeoutMs;
  while (performance.now() < deadline) {
    const err = early();
    if (err) throw err;
    if (await acceptsTcp(when.tcp.host, when.tcp.port, 300)) {
      const late = early();
      if (late) throw late;
      return;
    }
    await Promise.race([new Promise((r) => setTimeout(r, 50)), proc.whenExited()]);
  }
  throw makeError(`target ${name} did not accept connections on ${when.tcp.host}:${when.tcp.port} within ${timeoutMs} ms\n${describeLogs(proc.logs())}`);
}

/** A process's last output, indented, for an error message. */
export function describeLogs(logs: string): string {
  return logs.trim() ? `  its output (last lines):\n${logs.trim().split('\n').map((l) => `    ${l}`).join('\n')}` : '  (it printed nothing)';
}
