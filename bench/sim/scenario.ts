// A simulation scenario from a YAML or JSON file, validated in one place; a bad field is named with
// what is wrong (FULCRUM_ERR_CONFIG, exit 2), as for `fulcrum bench --scenario`.
//
//   name: herd
//   question: Do independent balancers with stale load reports pile onto one backend?
//   backends:                                   # groups; ids are <prefix><n> unless one backend has an id
//     - { count: 48, model: { kind: exponential, meanMs: 10 }, concurrency: 4 }
//     - { id: big, model: { kind: lognormal, medianMs: 5, sigma: 0.5 }, concurrency: 16, speed: 2, weight: 4 }
//   balancers: 20                               # each with its own scheduler instance
//   view: { kind: stale, refreshMs: 100 }       # global | local | stale (refreshMs 100; own: false: reports only)
//   algorithms: [rr, lc, p2c, { name: p2c, draws: distinct }]   # the reference's config vocabulary
//   arrivals: { kind: poisson, rate: 15000, bursts: [{ atMs: 4000, durationMs: 1000, factor: 1.5 }] }
//   requests: 200000                            # arrivals stop at this count or at durationMs
//   durationMs: 60000
//   incidents: [{ backends: [b1], fromMs: 2000, toMs: 5000, kind: down }, { backends: [b2], fromMs: 1000, toMs: 4000, kind: slow, factor: 10 }]
//   health: { detectMs: 1000 }                  # checks notice a change this long after it
//   retries: 1                                  # connection refused: retried on another backend
//   keys: 1000                                  # hashing algorithms: distinct keys (0: random per request)
//   seed: 1
//   repetitions: 1                              # each with its own seed (seed + repetition)
//   quick: { requests: 20000 }                  # what --quick changes (default: requests / 10)
import { readFile } from 'node:fs/promises';
import { parse } from 'yaml';
import { z } from 'zod';
import { ConfigError, createScheduler, describeIssues } from '../../reference/index.ts';
import { serviceTimeModelSchema } from '../../reports/schema/index.ts';
import type { ArrivalSpec } from './arrivals.ts';
import type { SimBackendSpec } from './backends.ts';
import type { Incident } from './simulate.ts';
import type { ViewSpec } from './views.ts';

const NAME = /^[A-Za-z0-9_.-]+$/;
const MAX_BACKENDS = 100_000;
const MAX_DURATION_MS = 600_000;

const algorithm = z.union([z.string().min(1), z.looseObject({ name: z.string().min(1) })]);

const scenarioSchema = z.strictObject({
  name: z.string().regex(NAME, 'use letters, digits, "_", "." or "-"'),
  question: z.string().default(''),
  backends: z
    .array(
      z.strictObject({
        id: z.string().regex(NAME).optional(),
        prefix: z.string().regex(NAME).default('b'),
        count: z.int().min(1).max(MAX_BACKENDS).default(1),
        model: serviceTimeModelSchema,
        concurrency: z.union([z.int().min(1), z.literal('unlimited')]).default('unlimited'),
        speed: z.number().positive().max(1000).default(1),
        weight: z.int().min(0).max(1_000_000).default(1),
      }),
    )
    .min(1, 'needs at least one backend group'),
  balancers: z.int().min(1).max(10_000).default(1),
  view: z
    .union([z.enum(['global', 'local', 'stale']), z.strictObject({ kind: z.literal('stale'), refreshMs: z.number().positive().max(MAX_DURATION_MS), own: z.boolean().default(true) })])
    .default('global'),
  algorithms: z.array(algorithm).min(1, 'needs at least one algorithm'),
  arrivals: z.strictObject({
    kind: z.enum(['poisson', 'constant']).default('poisson'),
    rate: z.number().positive().max(100_000_000),
    bursts: z.array(z.strictObject({ atMs: z.number().min(0), durationMs: z.number().positive(), factor: z.number().min(0).max(1000) })).default([]),
  }),
  requests: z.int().min(1).max(100_000_000).optional(),
  durationMs: z.number().positive().max(MAX_DURATION_MS).optional(),
  incidents: z
    .array(
      z.strictObject({
        backends: z.array(z.string().min(1)).min(1),
        fromMs: z.number().min(0),
        toMs: z.number().positive(),
        kind: z.enum(['down', 'slow']),
        factor: z.number().positive().max(10_000).optional(),
      }),
    )
    .default([]),
  health: z.strictObject({ detectMs: z.number().min(0).max(MAX_DURATION_MS) }).default({ detectMs: 1000 }),
  retries: z.int().min(0).max(10).default(1),
  keys: z.int().min(0).max(100_000_000).default(0),
  seed: z.int().min(0).max(0xffffffff).default(1),
  repetitions: z.int().min(1).max(100).default(1),
  quick: z.strictObject({ requests: z.int().min(1).optional(), durationMs: z.number().positive().optional() }).optional(),
});

type RawScenario = z.infer<typeof scenarioSchema>;

export interface SimScenario {
  readonly name: string;
  readonly question: string;
  readonly backends: readonly SimBackendSpec[];
  readonly balancers: number;
  readonly view: ViewSpec;
  readonly algorithms: readonly (Readonly<Record<string, unknown>> & { readonly name: string })[];
  readonly arrivals: ArrivalSpec;
  readonly requests: number;
  readonly durationMs: number;
  readonly incidents: readonly Incident[];
  /** The incidents as written (backend ids), for the results. */
  readonly incidentText: readonly string[];
  readonly detectMs: number;
  readonly retries: number;
  readonly keys: number;
  readonly seed: number;
  readonly repetitions: number;
  readonly quick?: { readonly requests?: number; readonly durationMs?: number };
}

export function parseSimScenario(source: string, text: string): SimScenario {
  let data: unknown;
  try {
    data = parse(text);
  } catch (err) {
    throw new ConfigError(source, [`not YAML/JSON: ${(err as Error).message.split('\n')[0]}`]);
  }
  return validateSimScenario(source, data);
}

/** Checks the shape (zod), then what zod cannot: ids, incident names, algorithms and their options. */
export function validateSimScenario(source: string, data: unknown): SimScenario {
  const r = scenarioSchema.safeParse(data);
  if (!r.success) throw new ConfigError(source, describeIssues(r.error));
  const raw = r.data;
  const problems: string[] = [];
  const backends = expandBackends(raw, problems);
  const index = new Map(backends.map((b, i) => [b.id, i]));
  if (raw.requests === undefined && raw.durationMs === undefined) problems.push('requests: give requests, durationMs or both (arrivals stop at whichever comes first)');
  const algorithms = raw.algorithms.map((a, i) => {
    const config = typeof a === 'string' ? { name: a } : (a as { name: string });
    try {
      createScheduler(config, { now: () => 0 });
    } catch (err) {
      problems.push(`algorithms[${i}]: ${(err as Error).message}`);
    }
    return config;
  });
  const incidents = raw.incidents.map((inc, i): Incident => {
    if (inc.toMs <= inc.fromMs) problems.push(`incidents[${i}].toMs: must be after fromMs (${inc.fromMs})`);
    if (inc.kind === 'slow' && inc.factor === undefined) problems.push(`incidents[${i}].factor: a slow incident needs a factor (service times × factor)`);
    const ids = inc.backends.map((id, j) => {
      const b = index.get(id);
      if (b === undefined) problems.push(`incidents[${i}].backends[${j}]: no backend "${id}" (ids are ${describeIds(backends)})`);
      return b ?? 0;
    });
    return { backends: ids, fromMs: inc.fromMs, toMs: inc.toMs, kind: inc.kind, factor: inc.factor ?? 1 };
  });
  if (problems.length) throw new ConfigError(source, problems);
  const view: ViewSpec = typeof raw.view === 'string' ? (raw.view === 'stale' ? { kind: 'stale', refreshMs: 100, own: true } : { kind: raw.view }) : raw.view;
  return {
    name: raw.name,
    question: raw.question,
    backends,
    balancers: raw.balancers,
    view,
    algorithms,
    arrivals: { kind: raw.arrivals.kind, rate: raw.arrivals.rate, bursts: raw.arrivals.bursts },
    requests: raw.requests ?? Number.MAX_SAFE_INTEGER,
    durationMs: raw.durationMs ?? Infinity,
    incidents,
    incidentText: raw.incidents.map((inc) => `${inc.backends.join(',')} ${inc.kind}${inc.kind === 'slow' ? ` ×${inc.factor}` : ''} ${inc.fromMs}–${inc.toMs} ms`),
    detectMs: raw.health.detectMs,
    retries: raw.retries,
    keys: raw.keys,
    seed: raw.seed,
    repetitions: raw.repetitions,
    ...(raw.quick ? { quick: raw.quick } : {}),
  };
}

function expandBackends(raw: RawScenario, problems: string[]): SimBackendSpec[] {
  const out: SimBackendSpec[] = [];
  const seen = new Set<string>();
  let n = 0;
  raw.backends.forEach((g, gi) => {
    if (g.id !== undefined && g.count !== 1) problems.push(`backends[${gi}].id: an id names one backend; a group of ${g.count} gets ids from prefix`);
    for (let c = 0; c < g.count; c++) {
      n++;
      const id = g.id ?? `${g.prefix}${n}`;
      if (seen.has(id)) problems.push(`backends[${gi}]: backend id "${id}" is used twice`);
      seen.add(id);
      out.push({ id, model: g.model, weight: g.weight, concurrency: g.concurrency === 'unlimited' ? Infinity : g.concurrency, speed: g.speed });
    }
  });
  if (out.length > MAX_BACKENDS) problems.push(`backends: ${out.length} backends in all, at most ${MAX_BACKENDS}`);
  return out;
}

function describeIds(backends: readonly SimBackendSpec[]): string {
  const ids = backends.map((b) => b.id);
  return ids.length <= 6 ? ids.join(', ') : `${ids.slice(0, 3).join(', ')} … ${ids[ids.length - 1]}`;
}

/** What --quick runs: the scenario's own quick settings, else a tenth of the requests (at least 1000),
 *  or of the duration when only a duration bounds it. */
export function quickScenario(s: SimScenario): SimScenario {
  const byCount = s.requests !== Number.MAX_SAFE_INTEGER;
  const requests = s.quick?.requests ?? (byCount ? Math.max(1000, Math.ceil(s.requests / 10)) : s.requests);
  const durationMs = s.quick?.durationMs ?? (byCount ? s.durationMs : s.durationMs / 10);
  return { ...s, requests, durationMs };
}

export async function loadSimScenarioFile(path: string): Promise<SimScenario> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (err) {
    throw new ConfigError(path, [`cannot read: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`]);
  }
  return parseSimScenario(path, text);
}
