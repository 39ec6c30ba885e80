// Reads a balancer config (YAML or JSON) and validates it against the one schema.
import { readFile } from 'node:fs/promises';
import { parse as parseYaml, YAMLParseError } from 'yaml';
import type { z } from 'zod';
import { balancerConfigSchema, type BalancerConfig } from './schema.ts';
import { ConfigError, describeIssues } from './errors.ts';

/** YAML (or JSON) text validated by `schema`; every problem becomes a ConfigError naming the field. */
export function parseYamlWith<S extends z.ZodType>(schema: S, text: string, source: string): z.output<S> {
  let raw: unknown;
  try {
    raw = parseYaml(text);
  } catch (err) {
    const where = err instanceof YAMLParseError && err.linePos ? ` at line ${err.linePos[0].line}` : '';
    throw new ConfigError(source, [`not valid YAML${where}: ${(err as Error).message.split('\n')[0]}`]);
  }
  const parsed = schema.safeParse(raw);
  if (!parsed.success) throw new ConfigError(source, describeIssues(parsed.error));
  return parsed.data;
}

/** A file's text, or a ConfigError saying why it cannot be read (`what`: "file", "target file" …). */
export async function readConfigText(path: string, what = 'file'): Promise<string> {
  try {
    return await readFile(path, 'utf8');
  } catch (err) {
    throw new ConfigError(path, [`cannot read ${what}: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`]);
  }
}

export function parseConfig(text: string, source: string): BalancerConfig {
  return parseYamlWith(balancerConfigSchema, text, source);
}

export async function loadConfig(path: string): Promise<BalancerConfig> {
  return parseConfig(await readConfigText(path), path);
}
