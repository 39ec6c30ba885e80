// A one-screen summary of a conformance run for the terminal.
import type { Results } from './results-schema.ts';

const MARK = { pass: 'pass', fail: 'FAIL', skip: 'skip' } as const;

export function formatSummary(results: Results, reportPath?: string): string {
  const idWidth = Math.max(...results.checks.map((c) => c.id.length), 5);
  const lines = results.checks.map((c) => {
    const why = c.status === 'pass' ? '' : `  ${c.reason ?? ''}`;
    return `  ${MARK[c.status]}  ${c.id.padEnd(idWidth)}${why}`.trimEnd();
  });
  const { passed, failed, skipped } = results.summary;
  const target = `${results.target.name}${results.target.version ? ` ${results.target.version}` : ''}`;
  return [
    `conformance: ${target} (${results.target.driver ?? 'local'} driver), ${(results.durationMs / 1000).toFixed(1)} s`,
    ...lines,
    `${passed} passed, ${failed} failed, ${skipped} skipped`,
    ...(reportPath ? [`report: ${reportPath}`] : []),
  ].join('\n');
}
