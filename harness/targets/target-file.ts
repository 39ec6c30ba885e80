// The target file format (schema fulcrum/target@1): a YAML file that describes any balancer so the
// harness can start it from a scenario. Validated here in one place; documented in README.md ("Target files").
import { z } from 'zod';
import { parseYamlWith, readConfigText } from '../../reference/index.ts';

export const TARGET_FILE_SCHEMA = 'fulcrum/target@1';

const regexString = z.string().refine(
  (s) => {
    try {
      new RegExp(s);
      return true;
    } catch {
      return false;
    }
  },
  { message: 'is not a valid regular expression' },
);

/** Names usable as {{bench.<name>}}; values are strings (templates), numbers or booleans. */
const benchSettings = z.record(z.string(), z.union([z.string(), z.number(), z.boolean()])).superRefine((settings, ctx) => {
  for (const key of Object.keys(settings)) {
    if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(key)) ctx.addIssue({ code: 'custom', path: [key], message: 'use letters, digits and "_" (the name is a mustache key)' });
  }
});

export const targetFileSchema = z.strictObject({
  schema: z.literal(TARGET_FILE_SCHEMA, { message: `must be "${TARGET_FILE_SCHEMA}"` }),
  name: z.string().regex(/^[A-Za-z0-9_.-]+$/, 'use letters, digits, "_", "." or "-"'),
  description: z.string().optional(),
  /** How to learn the balancer's version: run `command`, match `regex` on stdout+stderr (group 1, else the match). */
  version: z.strictObject({ command: z.array(z.string().min(1)).min(1), regex: regexString }).optional(),
  /** Commands that must be on PATH, else the target is unavailable (checks are skipped with that reason). */
  requires: z.array(z.string().min(1)).default([]),
  /** What the balancer can do: 'http', 'tcp', 'udp', 'xff', 'forwarded', 'proxy-protocol:v1', 'health:http' …
   *  'algorithm:<ours>' is added for every key of `algorithms`. */
  capabilities: z.array(z.string().min(1)).default([]),
  /** Our algorithm name → the balancer's own (a mustache template, rendered with the scenario view).
   *  An algorithm not listed is one the target cannot do: checks that need it are skipped. */
  algorithms: z.record(z.string().min(1), z.string().min(1)).default({}),
  /** Files written into the run's working directory, rendered with mustache (no HTML escaping). */
  files: z.array(z.strictObject({ path: z.string().min(1).refine((p) => !p.startsWith('/') && !p.split('/').includes('..'), 'must be a relative path inside the working directory'), template: z.string() })).default([]),
  /** argv, each element rendered with mustache; {{dir}} is the working directory. */
  command: z.array(z.string().min(1)).min(1),
  env: z.record(z.string(), z.string()).optional(),
  /** When the balancer is ready: it accepts TCP on its listen (default) or admin endpoint, or after a delay. */
  ready: z.union([z.strictObject({ tcp: z.enum(['listen', 'admin']) }), z.strictObject({ delayMs: z.int().min(0).max(60_000) })]).optional(),
  /** The bench profile: settings a benchmark needs and a conformance run does not (worker threads,
   *  logging, timeouts). While `fulcrum bench` renders, the view's `bench` holds them (string values
   *  rendered as templates with the same view); otherwise `bench` is false. */
  bench: z.strictObject({ settings: benchSettings.default({}) }).optional(),
});
export type TargetFile = z.output<typeof targetFileSchema>;

export function parseTargetFile(text: string, source: string): TargetFile {
  return parseYamlWith(targetFileSchema, text, source);
}

export async function loadTargetFile(path: string): Promise<TargetFile> {
  return parseTargetFile(await readConfigText(path, 'target file'), path);
}
