// Reads a balancer config (YAML or JSON) and validates it against the one schema.
import { readFile } from 'node:fs/promises';
import { parse as parseYaml, YAMLParseError } from 'yaml';
import { balancerConfigSchema, type BalancerConfig } from './schema.ts';
import { ConfigError, describeIssues } from './errors.ts';

export function parseConfig(text: string, source: string): BalancerConfig {
  let raw: unknown;
  try {
    raw = parseYaml(text);
  } catch (err) {
    const where = err instanceof YAMLParseError && err.linePos ? ` at line ${err.linePos[0].line}` : '';
    throw new ConfigError(source, [`not valid YAML${where}: ${(err as Error).message.split('\n')[0]}`]);
  }
  const parsed = balancerConfigSchema.safeParse(raw);
  if (!parsed.success) throw new ConfigError(source, describeIssues(parsed.error));
  return parsed.data;
}

export async function loadConfig(path: string): Promise<BalancerConfig> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (err) {
    throw new ConfigError(path, [`cannot read file: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`]);
  }
  return parseConfig(text, path);
}
