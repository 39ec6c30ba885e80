// Scenarios from a YAML or JSON file, validated in one place; errors name the file and field.
//
//   scenarios:
//     - name: my-test
//       question: Does my balancer keep p99 low with one slow backend?
//       backends:
//         - { id: a, model: { kind: lognormal, medianMs: 1, sigma: 0.5 } }
//         - { id: slow, model: { kind: fixed, ms: 100 } }
//       variants:
//         - { target: reference, algorithm: lc, mode: http }
//         - { target: ./my-balancer.yaml, algorithm: lc, mode: http }   # a target file
//       load: { kind: closed, connections: 32, durationMs: 2000 }       # or kind: open + rate
//       repetitions: 5
//       warmupMs: 1000
import { readFile } from 'node:fs/promises';
import { parse } from 'yaml';
import { z } from 'zod';
import { ConfigError, describeIssues } from '../../reference/index.ts';
import { serviceTimeModelSchema } from '../../reports/schema/index.ts';
import type { BenchScenario } from './types.ts';

const MAX_DURATION_MS = 10 * 60_000;

const scenarioSchema = z.strictObject({
  name: z.string().regex(/^[A-Za-z0-9_.-]+$/, 'use letters, digits, "_", "." or "-"'),
  question: z.string().default(''),
  backends: z.array(z.strictObject({ id: z.string().regex(/^[A-Za-z0-9_.-]+$/), model: serviceTimeModelSchema, weight: z.int().min(1).optional() })).min(1, 'needs at least one backend'),
  variants: z.array(z.strictObject({ target: z.string().min(1), algorithm: z.string().min(1), options: z.record(z.string(), z.union([z.string(), z.number(), z.boolean()])).optional(), mode: z.enum(['http', 'tcp', 'lvs-nat', 'lvs-dr', 'lvs-tun']) })).min(1, 'needs at least one variant'),
  load: z.discriminatedUnion('kind', [
    z.strictObject({ kind: z.literal('closed'), connections: z.int().min(1).max(10_000), durationMs: z.number().positive().max(MAX_DURATION_MS), closeConnections: z.boolean().optional() }),
    z.strictObject({ kind: z.literal('open'), connections: z.int().min(1).max(10_000), durationMs: z.number().positive().max(MAX_DURATION_MS), rate: z.number().positive().max(1_000_000) }),
  ]),
  repetitions: z.int().min(1).max(100).default(5),
  warmupMs: z.number().min(0).max(MAX_DURATION_MS).default(1000),
});

const fileSchema = z.strictObject({ scenarios: z.array(scenarioSchema).min(1, 'needs at least one scenario') });

export function parseScenarios(source: string, text: string): BenchScenario[] {
  let data: unknown;
  try {
    data = parse(text);
  } catch (err) {
    throw new ConfigError(source, [`not YAML/JSON: ${(err as Error).message.split('\n')[0]}`]);
  }
  const r = fileSchema.safeParse(data);
  if (!r.success) throw new ConfigError(source, describeIssues(r.error));
  return r.data.scenarios;
}

export async function loadScenarioFile(path: string): Promise<BenchScenario[]> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (err) {
    throw new ConfigError(path, [`cannot read: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`]);
  }
  return parseScenarios(path, text);
}
