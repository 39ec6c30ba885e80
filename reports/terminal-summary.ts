// A one-screen summary of a conformance run for the terminal.
import type { Results } from './schema/index.ts';

const MARK = { pass: 'pass', fail: 'FAIL', skip: 'skip' } as const;

/** Skips sharing one reason collapse into a line once there are this many (16 LVS checks on the local driver, say). */
const COLLAPSE_SKIPS = 3;

export function formatSummary(results: Results, reportPath?: string): string {
  const idWidth = Math.max(...results.checks.map((c) => c.id.length), 5);
  const skipsByReason = new Map<string, string[]>();
  for (const c of results.checks) if (c.status === 'skip') skipsByReason.set(c.reason ?? '', [...(skipsByReason.get(c.reason ?? '') ?? []), c.id]);
  const lines: string[] = [];
  for (const c of results.checks) {
    const group = c.status === 'skip' ? (skipsByReason.get(c.reason ?? '') ?? []) : [];
    if (group.length >= COLLAPSE_SKIPS) {
      if (group[0] === c.id) lines.push(`  ${MARK.skip}  ${`${group[0]} … ${group[group.length - 1]} (${group.length} checks)`.padEnd(idWidth)}  ${c.reason ?? ''}`.trimEnd());
      continue;
    }
    const why = c.status === 'pass' ? '' : `  ${c.reason ?? ''}`;
    lines.push(`  ${MARK[c.status]}  ${c.id.padEnd(idWidth)}${why}`.trimEnd());
  }
  const { passed, failed, skipped } = results.summary;
  const target = `${results.target.name}${results.target.version ? ` ${results.target.version}` : ''}`;
  return [
    `conformance: ${target} (${results.target.driver ?? 'local'} driver), ${(results.durationMs / 1000).toFixed(1)} s`,
    ...lines,
    `${passed} passed, ${failed} failed, ${skipped} skipped`,
    ...(reportPath ? [`report: ${reportPath}`] : []),
  ].join('\n');
}
