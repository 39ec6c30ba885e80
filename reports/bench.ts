// Bench and conformance results → the benchmark HTML report. Reads files, validates by schema,
// then hands pure data to the renderer.
import { readFile } from 'node:fs/promises';
import { basename } from 'node:path';
import { buildModel } from './bench-report/model.ts';
import { renderBenchReport } from './bench-report/render.ts';
import { benchRunSchema, BENCH_SCHEMA, RESULTS_SCHEMA, resultsSchema, type BenchRun, type Results } from './schema/index.ts';

export { buildModel, type ReportModel } from './bench-report/model.ts';
export { renderBenchReport } from './bench-report/render.ts';

export class ReportInputError extends Error {
  readonly code = 'FULCRUM_ERR_REPORT_INPUT';
  constructor(message: string) {
    super(message);
    this.name = 'ReportInputError';
  }
}

export type ReportInput = { kind: 'bench'; source: string; run: BenchRun } | { kind: 'conformance'; source: string; results: Results };

/** Parses one results file by its `schema` field; the message names the file and the field. */
export function parseReportInput(source: string, text: string): ReportInput {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (err) {
    throw new ReportInputError(`${source}: not JSON (${(err as Error).message})`);
  }
  const schema = (json as { schema?: unknown } | null)?.schema;
  const issue = (r: { error?: { issues: { path: PropertyKey[]; message: string }[] } }) => {
    const i = r.error?.issues[0];
    return i ? `${i.path.map(String).join('.') || '(root)'}: ${i.message}` : 'invalid';
  };
  if (schema === BENCH_SCHEMA) {
    const r = benchRunSchema.safeParse(json);
    if (!r.success) throw new ReportInputError(`${source}: not a valid ${BENCH_SCHEMA} file: ${issue(r)}`);
    return { kind: 'bench', source, run: r.data };
  }
  if (schema === RESULTS_SCHEMA) {
    const r = resultsSchema.safeParse(json);
    if (!r.success) throw new ReportInputError(`${source}: not a valid ${RESULTS_SCHEMA} file: ${issue(r)}`);
    return { kind: 'conformance', source, results: r.data };
  }
  throw new ReportInputError(`${source}: unknown schema ${JSON.stringify(schema)} (expected ${BENCH_SCHEMA} or ${RESULTS_SCHEMA})`);
}

export function benchReportHtml(inputs: readonly ReportInput[], title?: string): string {
  const benches = inputs.flatMap((i) => (i.kind === 'bench' ? [{ source: i.source, run: i.run }] : []));
  const conformance = inputs.flatMap((i) => (i.kind === 'conformance' ? [{ source: i.source, results: i.results }] : []));
  return renderBenchReport(buildModel(benches, conformance), title);
}

export async function readReportInputs(paths: readonly string[]): Promise<ReportInput[]> {
  return Promise.all(
    paths.map(async (p) => {
      let text: string;
      try {
        text = await readFile(p, 'utf8');
      } catch (err) {
        throw new ReportInputError(`${p}: cannot read (${(err as NodeJS.ErrnoException).code ?? (err as Error).message})`);
      }
      return parseReportInput(basename(p), text);
    }),
  );
}
