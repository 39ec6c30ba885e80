// Resource exhaustion: the balancer runs with a low open-file limit (Scenario.fdLimit, applied by
// the driver with prlimit) and a client opens connections up to and past it. A correct balancer
// refuses what it cannot take cleanly and at once (a close, a reset or an error status, never a
// connection left hanging in the accept queue), keeps connections it already had working, and
// keeps its active health checks reaching the backends: it reserves descriptors for them, or caps
// client connections below the limit (Scenario.maxConnections, rendered where the target has it).
import { HEALTH_PATH, REQUEST_ID_HEADER, type BackendHost, type Check, type CheckContext, type ClientHost, type RawOutcome, type ScenarioPlan } from '../../harness/index.ts';
import { securityPlan, verdictOf } from './case-check.ts';
import type { CaseResult } from './judge.ts';

export const FD_LIMIT = 256;
const MAX_CONNECTIONS = 100;
/** Flood connections: past the fd limit by this many, so at least this many cannot be held. */
const PAST_LIMIT = 128;
const FLOOD = FD_LIMIT + PAST_LIMIT;
/** How long each flood connection stays open unless the balancer ends it. */
const HOLD_MS = 3500;
/** A refusal must come this fast after connecting. */
export const REFUSE_MS = 2000;
/** The established connection's and the recovery request's bound while the flood holds. */
const REQUEST_MS = 2000;
const HEALTH_INTERVAL_MS = 200;
/** Probes that must reach the backend in PROBE_WINDOW_MS during the flood (10 expected). */
const MIN_PROBES = 3;
const PROBE_WINDOW_MS = 2000;
/** After the client has closed the flood, the balancer's own view of those closes arrives a little later. */
const SETTLE_MS = 500;

export function exhaustionPlan(base: ScenarioPlan): ScenarioPlan {
  return {
    ...securityPlan(base),
    health: { type: 'http', path: HEALTH_PATH, intervalMs: HEALTH_INTERVAL_MS, timeoutMs: 500, rise: 1, fall: 3 },
    fdLimit: FD_LIMIT,
    maxConnections: MAX_CONNECTIONS,
  };
}

const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

/** Flood connections: how many were refused quickly, held to the end, or hung before connecting. */
export function tallyFlood(outcomes: RawOutcome[]): { refused: number; held: number; hung: number; slowRefusals: number } {
  const t = { refused: 0, held: 0, hung: 0, slowRefusals: 0 };
  for (const o of outcomes) {
    if (!o.ok) {
      if (/^timeout/.test(o.error)) t.hung++;
      else if (o.elapsedMs <= REFUSE_MS) t.refused++;
      else t.slowRefusals++;
    } else if (o.end === 'timeout') t.held++;
    else if (o.elapsedMs <= REFUSE_MS) t.refused++;
    else t.slowRefusals++;
  }
  return t;
}

export function judgeFlood(outcomes: RawOutcome[]): CaseResult {
  const t = tallyFlood(outcomes);
  const need = outcomes.length - FD_LIMIT;
  const ok = t.refused >= need;
  const how = `${t.refused} refused within ${REFUSE_MS} ms, ${t.held} held open for ${HOLD_MS} ms, ${t.slowRefusals} ended later, ${t.hung} never connected`;
  return {
    case: 'flood',
    ok,
    outcome: ok ? how : `${how}: at least ${need} of ${outcomes.length} cannot be held with ${FD_LIMIT} descriptors and must be refused, not left waiting`,
    rfc: 'fd limit',
    client: '',
    backend: [],
  };
}

async function request(send: ClientHost['http'], id: string): Promise<{ ok: boolean; how: string }> {
  const r = await send({ path: `/${id}`, headers: { [REQUEST_ID_HEADER]: id }, timeoutMs: REQUEST_MS });
  if (!r.ok) return { ok: false, how: `${id}: ${r.error}` };
  return r.status === 200 && r.backend !== undefined ? { ok: true, how: `${id}: 200 in ${Math.round(r.elapsedMs)} ms` } : { ok: false, how: `${id}: HTTP ${r.status}` };
}

async function probesReach(backend: BackendHost, n: number, withinMs: number): Promise<void> {
  const until = performance.now() + withinMs;
  while ((await backend.snapshot()).probes < n && performance.now() < until) await sleep(HEALTH_INTERVAL_MS / 2);
  await sleep(HEALTH_INTERVAL_MS); // the balancer has read the last probe's answer
}

const row = (name: string, r: { ok: boolean; how: string }): CaseResult => ({ case: name, ok: r.ok, outcome: r.how, rfc: '', client: '', backend: [] });

async function exhaustion(ctx: CheckContext) {
  const client = ctx.topology.clients[0]!;
  const backend = ctx.topology.backends[0]!;
  const healthClaimed = ctx.capabilities.includes('health:http');
  // A balancer may mark the backend down at its first probe (sent before the agent listened), up at
  // the next: the check starts once two probes have arrived (bounded), not at the first request.
  if (healthClaimed) await probesReach(backend, 2, 5000);
  const session = await client.httpSession();
  try {
    const before = await request((r) => session.request(r), 'established-before');
    const flood = Promise.all(Array.from({ length: FLOOD }, () => client.raw({ pieces: [], timeoutMs: HOLD_MS })));
    await sleep(1000); // every flood connection is in by now
    const windowStart = performance.now();
    const probes0 = (await backend.snapshot()).probes;
    const during = await request((r) => session.request(r), 'established-during');
    await sleep(Math.max(0, PROBE_WINDOW_MS - (performance.now() - windowStart)));
    const probes = (await backend.snapshot()).probes - probes0;
    const outcomes = await flood;
    // The flood's closes are the client's; until the balancer has read them its cap is still full.
    await sleep(SETTLE_MS);
    const after = await request((r) => client.http(r), 'new-after');
    const rows = [
      row('established-before', before),
      row('established-during', during),
      judgeFlood(outcomes),
      healthClaimed
        ? row('health-checks', { ok: probes >= MIN_PROBES, how: `${probes} probes reached the backend in the 2 s of the flood (interval ${HEALTH_INTERVAL_MS} ms, at least ${MIN_PROBES} needed)` })
        : row('health-checks', { ok: true, how: 'not judged: the target claims no active http health checks' }),
      row('new-after', after),
    ];
    return verdictOf(rows);
  } finally {
    await session.close();
  }
}

export const exhaustionChecks: Check[] = [
  {
    id: 'security.exhaustion.connections',
    title: 'Connections past the fd limit are refused cleanly; established connections and health checks keep working',
    requires: ['http'],
    notes: `The balancer runs under an open-file limit of ${FD_LIMIT} (prlimit), with its client-connection cap at ${MAX_CONNECTIONS} where the target has one (limit:connections), and HTTP health checks every ${HEALTH_INTERVAL_MS} ms. A keep-alive connection does a request; then ${FLOOD} connections open at once and send nothing, each held up to ${HOLD_MS} ms. Pass: at least ${PAST_LIMIT} (those that cannot have a descriptor) end within ${REFUSE_MS} ms of connecting (closed, reset, refused or an error status; one left waiting in the accept queue counts as a hang); the kept-alive connection's request during the flood gets 200 within ${REQUEST_MS} ms; at least ${MIN_PROBES} health probes reach the backend in 2 s of the flood (10 expected; not judged on a target without health:http); a new client gets 200 ${SETTLE_MS} ms after the flood's connections have closed. False failures: a refusal ${REFUSE_MS} ms late, or 8 of 10 probes lost, only on a machine stalled for seconds.`,
    scenario: exhaustionPlan,
    run: exhaustion,
  },
];
