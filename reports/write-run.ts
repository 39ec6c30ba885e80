// Writes the three outputs of a conformance run into one folder: results.json, junit.xml, report.html.
import { mkdir, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { toConformanceHtml } from './conformance-html.ts';
import { toJUnit } from './junit.ts';
import { resultsSchema, type Results } from './schema/index.ts';

export interface RunOutputs {
  resultsPath: string;
  junitPath: string;
  htmlPath: string;
}

export async function writeRunOutputs(results: Results, outDir: string): Promise<RunOutputs> {
  // Validate before writing: a results file that breaks its own schema must never reach users.
  const valid = resultsSchema.parse(results);
  const dir = resolve(outDir);
  await mkdir(dir, { recursive: true });
  const outputs = { resultsPath: join(dir, 'results.json'), junitPath: join(dir, 'junit.xml'), htmlPath: join(dir, 'report.html') };
  await writeFile(outputs.resultsPath, `${JSON.stringify(valid, null, 2)}\n`);
  await writeFile(outputs.junitPath, toJUnit(valid));
  await writeFile(outputs.htmlPath, toConformanceHtml(valid));
  return outputs;
}
