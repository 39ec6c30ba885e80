// results.json, schema "fulcrum/results@1": the one output of a conformance run.
// junit.xml, the HTML summary and the matrix are all drawn from this file alone.
// Changing a field's meaning or removing one needs a new schema version; adding optional fields does not.
import { z } from 'zod';

export const RESULTS_SCHEMA = 'fulcrum/results@1';

export const environmentSchema = z.looseObject({
  node: z.string(),
  os: z.string(),
  cpus: z.int().min(1),
  fulcrumVersion: z.string(),
  gitSha: z.string().optional(),
});
export type Environment = z.infer<typeof environmentSchema>;

export const checkResultSchema = z.strictObject({
  /** Stable dotted id, e.g. "distribution.rr". */
  id: z.string().min(1),
  title: z.string().min(1),
  status: z.enum(['pass', 'fail', 'skip']),
  /** Why it failed or was skipped; absent on pass. */
  reason: z.string().optional(),
  /** What the check saw, for a person to judge the verdict (counts, sequences, timings). */
  evidence: z.unknown().optional(),
  /** Numeric figures worth charting (e.g. detectionMs, chiSquare, pValue). */
  metrics: z.record(z.string(), z.number()).optional(),
  durationMs: z.number().min(0).optional(),
  /** False-failure probability the check was designed for (statistical checks). */
  falseFailureProbability: z.number().min(0).max(1).optional(),
});
export type CheckResult = z.infer<typeof checkResultSchema>;

export const resultsSchema = z
  .strictObject({
    schema: z.literal(RESULTS_SCHEMA),
    startedAt: z.iso.datetime(),
    durationMs: z.number().min(0),
    environment: environmentSchema,
    target: z.strictObject({
      name: z.string().min(1),
      version: z.string().optional(),
      capabilities: z.array(z.string()),
      driver: z.string().optional(),
    }),
    checks: z.array(checkResultSchema),
    summary: z.strictObject({ passed: z.int().min(0), failed: z.int().min(0), skipped: z.int().min(0) }),
  })
  .superRefine((r, ctx) => {
    const count = (s: string) => r.checks.filter((c) => c.status === s).length;
    const expected = { passed: count('pass'), failed: count('fail'), skipped: count('skip') };
    for (const k of ['passed', 'failed', 'skipped'] as const) {
      if (r.summary[k] !== expected[k]) {
        ctx.addIssue({ code: 'custom', path: ['summary', k], message: `is ${r.summary[k]} but checks say ${expected[k]}` });
      }
    }
    r.checks.forEach((c, i) => {
      if (c.status !== 'pass' && !c.reason) ctx.addIssue({ code: 'custom', path: ['checks', i, 'reason'], message: `is required when status is ${c.status}` });
    });
  });
export type Results = z.infer<typeof resultsSchema>;

export function summarize(checks: readonly CheckResult[]): Results['summary'] {
  return {
    passed: checks.filter((c) => c.status === 'pass').length,
    failed: checks.filter((c) => c.status === 'fail').length,
    skipped: checks.filter((c) => c.status === 'skip').length,
  };
}
