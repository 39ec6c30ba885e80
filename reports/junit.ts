// results.json → JUnit XML, the format CI systems (GitLab, Jenkins, GitHub reporters) read.
// One <testsuite> per run, one <testcase> per check; skip → <skipped>, fail → <failure> with evidence.
import { escapeXml } from './html.ts';
import type { Results } from './schema/index.ts';

export function toJUnit(results: Results): string {
  const { summary } = results;
  const total = results.checks.length;
  const suiteName = `fulcrum conformance: ${results.target.name}`;
  const cases = results.checks.map((check) => {
    const time = ((check.durationMs ?? 0) / 1000).toFixed(3);
    const open = `    <testcase classname="${escapeXml(check.id.split('.')[0] ?? check.id)}" name="${escapeXml(check.id)}: ${escapeXml(check.title)}" time="${time}"`;
    if (check.status === 'pass') return `${open}/>`;
    if (check.status === 'skip') return `${open}>\n      <skipped message="${escapeXml(check.reason ?? '')}"/>\n    </testcase>`;
    const detail = check.evidence === undefined ? '' : JSON.stringify(check.evidence, null, 2);
    return `${open}>\n      <failure message="${escapeXml(check.reason ?? 'failed')}" type="conformance">${escapeXml(detail)}</failure>\n    </testcase>`;
  });
  return [
    '<?xml version="1.0" encoding="UTF-8"?>',
    `<testsuites name="fulcrum" tests="${total}" failures="${summary.failed}" skipped="${summary.skipped}" time="${(results.durationMs / 1000).toFixed(3)}">`,
    `  <testsuite name="${escapeXml(suiteName)}" tests="${total}" failures="${summary.failed}" errors="0" skipped="${summary.skipped}" timestamp="${escapeXml(results.startedAt)}" time="${(results.durationMs / 1000).toFixed(3)}">`,
    '    <properties>',
    `      <property name="target" value="${escapeXml(results.target.name)}"/>`,
    `      <property name="target.version" value="${escapeXml(results.target.version ?? '')}"/>`,
    `      <property name="driver" value="${escapeXml(results.target.driver ?? '')}"/>`,
    `      <property name="node" value="${escapeXml(results.environment.node)}"/>`,
    `      <property name="fulcrum" value="${escapeXml(results.environment.fulcrumVersion)}"/>`,
    '    </properties>',
    ...cases,
    '  </testsuite>',
    '</testsuites>',
    '',
  ].join('\n');
}
