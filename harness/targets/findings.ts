// Documented findings: a check that a shipped third-party target claims and fails, where the
// balancer's own documentation (or source) says it behaves that way. A finding is a real result,
// not a bug to hide: it names the check, the target, why, and the source with a quote. Files
// `harness/targets/findings/*.yaml` (schema fulcrum/findings@1), one or more per suite or target,
// so that suites added later list theirs beside the others. Any check id may be listed.
import { existsSync, readdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { z } from 'zod';
import { parseYamlWith, readConfigText } from '../../reference/index.ts';

export const FINDINGS_SCHEMA = 'fulcrum/findings@1';
export const FINDINGS_DIR = fileURLToPath(new URL('./findings/', import.meta.url));

const findingSchema = z.strictObject({
  /** The check's id, exactly as in results.json (e.g. algorithms.share.p2c, security.framing.cl-te). */
  check: z.string().regex(/^[a-z0-9][a-z0-9.-]*$/, 'is a check id: lowercase letters, digits, "." and "-"'),
  /** A shipped target's name (harness/targets/files/<name>.yaml). */
  target: z.string().regex(/^[A-Za-z0-9_.-]+$/, 'use letters, digits, "_", "." or "-"'),
  /** What the balancer does and why the check is right to fail it. */
  why: z.string().min(10, 'says what the balancer does and why (at least a sentence)'),
  /** Where that is documented: a URL to the docs or to the source line. */
  source: z.url({ message: 'is a URL to the documentation or source' }),
  /** The words from that source that show it. */
  quote: z.string().optional(),
  /** A statistical check the balancer fails only some of the time (its defect shifts a distribution):
   *  a run where the check passes does not make the finding stale. */
  intermittent: z.boolean().optional(),
});

export const findingsFileSchema = z.strictObject({
  schema: z.literal(FINDINGS_SCHEMA, { message: `must be "${FINDINGS_SCHEMA}"` }),
  findings: z.array(findingSchema).default([]),
});
export type Finding = z.output<typeof findingSchema>;

export function parseFindings(text: string, source: string): Finding[] {
  return parseYamlWith(findingsFileSchema, text, source).findings;
}

/** Every finding in dir's *.yaml files (sorted by file name). */
export async function loadFindings(dir = FINDINGS_DIR): Promise<Finding[]> {
  if (!existsSync(dir)) return [];
  const files = readdirSync(dir).filter((f) => /\.ya?ml$/.test(f)).sort();
  const lists = await Promise.all(files.map(async (f) => parseFindings(await readConfigText(`${dir}${f}`, 'findings file'), `${dir}${f}`)));
  return lists.flat();
}

export interface FindingsVerdict {
  /** Failed checks with no finding: a wrong target file, a wrong check, or an unlisted finding. */
  undocumented: { check: string; reason: string }[];
  /** Findings for checks that ran and passed: no longer true, remove them (intermittent ones excepted). */
  stale: Finding[];
  /** Failed checks explained by a finding. */
  documented: Finding[];
}

/** Compares one target's results with the findings listed for it. Pure. */
export function judgeFindings(target: string, checks: readonly { id: string; status: string; reason?: string }[], findings: readonly Finding[]): FindingsVerdict {
  const mine = findings.filter((f) => f.target === target);
  const listed = (id: string) => mine.find((f) => f.check === id);
  const failed = checks.filter((c) => c.status === 'fail');
  return {
    undocumented: failed.filter((c) => !listed(c.id)).map((c) => ({ check: c.id, reason: c.reason ?? '' })),
    stale: mine.filter((f) => !f.intermittent && checks.some((c) => c.id === f.check && c.status === 'pass')),
    documented: failed.map((c) => listed(c.id)).filter((f): f is Finding => f !== undefined),
  };
}
