// Reads a gate input (fulcrum/bench@1 or fulcrum/micro@1) into series of raw samples.
// micro@1 is written by bench/micro/; the gate needs only each benchmark's name and its raw
// samples in nanoseconds, so it reads those fields and ignores the rest.
import { readFile } from 'node:fs/promises';
import { BENCH_SCHEMA, benchRunSchema, MICRO_SCHEMA } from '../../reports/schema/index.ts';
import { seriesFromBench, type Series } from './metrics.ts';


export class GateInputError extends Error {
  readonly code = 'FULCRUM_ERR_GATE_INPUT';
  constructor(message: string) {
    super(message);
    this.name = 'GateInputError';
  }
}

type Entry = Record<string, unknown>;
const isNumbers = (x: unknown): x is number[] => Array.isArray(x) && x.length > 0 && x.every((v) => typeof v === 'number' && Number.isFinite(v));

/** Raw samples of one micro-benchmark, whichever name bench/micro gives the field. */
function microSamples(e: Entry): number[] | undefined {
  for (const k of ['samplesNs', 'samples', 'raw']) if (isNumbers(e[k])) return e[k];
  return undefined;
}

export function seriesFromMicro(source: string, json: Entry): Series[] {
  const list = ['benchmarks', 'results', 'tasks'].map((k) => json[k]).find(Array.isArray) as Entry[] | undefined;
  if (!list) throw new GateInputError(`${source}: ${MICRO_SCHEMA} file has no "benchmarks" list`);
  return list.map((e, i) => {
    const name = [e.suite, e.name ?? e.id].filter((x) => typeof x === 'string').join(' › ');
    const samples = microSamples(e);
    if (!name || !samples) throw new GateInputError(`${source}: benchmarks[${i}] needs a name and raw samples (numbers, ns)`);
    return { key: name, kind: 'micro-ns' as const, samples };
  });
}

export function seriesFromJson(source: string, text: string): { schema: string; series: Series[] } {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (err) {
    throw new GateInputError(`${source}: not JSON (${(err as Error).message})`);
  }
  const schema = (json as Entry | null)?.schema;
  if (schema === BENCH_SCHEMA) {
    const r = benchRunSchema.safeParse(json);
    if (!r.success) {
      const i = r.error.issues[0];
      throw new GateInputError(`${source}: not a valid ${BENCH_SCHEMA} file: ${i?.path.join('.')}: ${i?.message}`);
    }
    return { schema, series: seriesFromBench(r.data) };
  }
  if (schema === MICRO_SCHEMA) return { schema, series: seriesFromMicro(source, json as Entry) };
  throw new GateInputError(`${source}: unknown schema ${JSON.stringify(schema)} (the gate reads ${BENCH_SCHEMA} and ${MICRO_SCHEMA})`);
}

export async function readGateInput(path: string): Promise<{ schema: string; series: Series[] }> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (err) {
    throw new GateInputError(`${path}: cannot read (${(err as NodeJS.ErrnoException).code ?? (err as Error).message})`);
  }
  return seriesFromJson(path, text);
}
