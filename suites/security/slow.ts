// Slow clients: slowloris on the request head, a slow upload, a slow reader of a large response.
// A correct balancer bounds how long a client may take to send its head (RFC 9110 §15.5.9: 408),
// does not count a slow upload against the response timeout (that timeout is the backend's to
// meet, from when the request was sent), and keeps serving others while one client reads slowly.
// Judged from the wire: how each connection ended, what the backend received, and the latency of
// a normal client meanwhile. Bounded in time and count; nothing is retried.
import { REQUEST_ID_HEADER, http1, type Check, type CheckContext, type ClientHost, type ScenarioPlan } from '../../harness/index.ts';
import { securityPlan, verdictOf } from './case-check.ts';
import type { CaseResult } from './judge.ts';
import { captureBackend, excerpt } from './wire.ts';

export const SLOW = { headerMs: 1000, responseMs: 1000, idleMs: 3000 } as const;
/** How long past the header timeout a slowloris connection may stay open (a loaded 2-core machine;
 *  timers fire late and balancers check deadlines on a tick, HAProxy and nginx to the ms, ours every 250 ms). */
export const HEADER_SLACK_MS = 2000;
/** A normal request's latency bound while the slow clients run (unloaded: under 10 ms). */
export const NORMAL_LATENCY_MS = 1000;

export function slowPlan(base: ScenarioPlan): ScenarioPlan {
  return { ...securityPlan(base), timeouts: { ...SLOW } };
}

const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

/** Normal requests every everyMs for forMs, each on a new connection; the ones over the bound or failed. */
export async function normalTraffic(client: ClientHost, forMs: number, everyMs: number, tag: string): Promise<{ sent: number; slow: string[] }> {
  const slow: string[] = [];
  const until = performance.now() + forMs;
  let sent = 0;
  while (performance.now() < until) {
    const id = `${tag}-${++sent}`;
    const r = await client.http({ path: `/normal/${id}`, headers: { [REQUEST_ID_HEADER]: id }, timeoutMs: NORMAL_LATENCY_MS * 3 });
    if (!r.ok) slow.push(`${id}: ${r.error}`);
    else if (r.status !== 200) slow.push(`${id}: HTTP ${r.status}`);
    else if (r.elapsedMs > NORMAL_LATENCY_MS) slow.push(`${id}: ${Math.round(r.elapsedMs)} ms`);
    await sleep(everyMs);
  }
  return { sent, slow };
}

const SLOWLORIS = 4;
const TRICKLE_MS = 300;

/** One slowloris connection: the request line and Host at once, then a header a byte every TRICKLE_MS, never the blank line. */
function slowlorisPieces(id: string): { data: string; delayMs?: number }[] {
  const trickle = 'X-Slow-Header: abcdefghijklmnopqrstuvwxyz0123456789';
  const bytes = Math.ceil((SLOW.headerMs + HEADER_SLACK_MS * 2) / TRICKLE_MS);
  return [{ data: `GET /slowloris/${id} HTTP/1.1\r\nHost: fulcrum.test\r\n${REQUEST_ID_HEADER}: ${id}\r\n` }, ...Array.from({ length: bytes }, (_, i) => ({ data: trickle[i % trickle.length]!, delayMs: TRICKLE_MS }))];
}

/** How one slowloris connection ended: a 408/4xx or a close within the bound is right. */
export function judgeSlowloris(id: string, o: Awaited<ReturnType<ClientHost['raw']>>): CaseResult {
  const base = { case: id, rfc: 'RFC 9110 §15.5.9', client: o.ok ? `${excerpt(o.bytes, 120)} [${o.end} after ${o.elapsedMs} ms]` : o.error, backend: [] };
  if (!o.ok) return { ...base, ok: false, outcome: `the connection failed: ${o.error}` };
  if (o.end === 'timeout') return { ...base, ok: false, outcome: `still open ${o.elapsedMs} ms after the head began (header timeout ${SLOW.headerMs} ms + ${HEADER_SLACK_MS} ms slack), ${o.written} bytes trickled in` };
  const status = http1.parseResponses(o.bytes, ['GET']).messages[0]?.status;
  if (o.bytes.length > 0 && (status === undefined || status < 400 || status >= 500)) return { ...base, ok: false, outcome: `answered ${status === undefined ? `with bytes that are not a response: "${excerpt(o.bytes, 60)}"` : `HTTP ${status}`} to an unfinished head` };
  return { ...base, ok: true, outcome: `${status ? `HTTP ${status}` : 'closed without a response'} after ${o.elapsedMs} ms (${o.end})` };
}

async function slowHeader(ctx: CheckContext) {
  const backend = await captureBackend(ctx);
  await backend.reset();
  const boundMs = SLOW.headerMs + HEADER_SLACK_MS;
  const ids = Array.from({ length: SLOWLORIS }, (_, i) => `slowloris-${i + 1}`);
  const lorises = Promise.all(ids.map((id) => ctx.topology.clients[0]!.raw({ pieces: slowlorisPieces(id), timeoutMs: boundMs })));
  const normal = await normalTraffic(ctx.topology.clients[0]!, SLOW.headerMs + 500, 200, 'during-slowloris');
  const results = (await lorises).map((o, i) => judgeSlowloris(ids[i]!, o));
  const captured = (await backend.captures()).connections.filter((c) => c.bytes.includes('/slowloris/'));
  results.push({
    case: 'backend',
    ok: captured.length === 0,
    outcome: captured.length === 0 ? 'no slowloris bytes reached the backend' : `${captured.length} backend connections got an unfinished head (forwarded before it was complete)`,
    rfc: 'RFC 9112 §2.2',
    client: '',
    backend: captured.map((c) => excerpt(c.bytes, 160)),
  });
  results.push(normalCase('normal-client', normal));
  return verdictOf(results);
}

export function normalCase(name: string, normal: { sent: number; slow: string[] }): CaseResult {
  return {
    case: name,
    ok: normal.sent > 0 && normal.slow.length === 0,
    outcome: normal.slow.length === 0 ? `${normal.sent} normal requests, each answered 200 within ${NORMAL_LATENCY_MS} ms` : `${normal.slow.length} of ${normal.sent} normal requests failed or took over ${NORMAL_LATENCY_MS} ms: ${normal.slow.slice(0, 5).join('; ')}`,
    rfc: 'latency bound',
    client: '',
    backend: [],
  };
}

const UPLOAD = { chunkBytes: 2048, everyMs: 100, chunks: 15 } as const;

async function slowUpload(ctx: CheckContext) {
  const forMs = UPLOAD.chunks * UPLOAD.everyMs;
  const r = await ctx.topology.clients[0]!.transfer({ upBytes: UPLOAD.chunkBytes * UPLOAD.chunks, pace: { chunkBytes: UPLOAD.chunkBytes, everyMs: UPLOAD.everyMs, forMs }, timeoutMs: forMs + 5000 });
  const ok = r.ok && r.up?.match === true;
  const outcome = r.ok ? (ok ? `200 after ${Math.round(r.elapsedMs)} ms, the backend got all ${r.up?.bytes} bytes with the same sha256` : `200, but the backend got ${r.up?.bytes} bytes that do not match what was sent`) : `${r.error} (after ${Math.round(r.elapsedMs)} ms)`;
  return verdictOf([{ case: 'slow-upload', ok, outcome, rfc: 'RFC 9110 §15.6.5 (504 is for the backend not answering)', client: r.ok ? `HTTP 200, ${r.up?.bytes} bytes` : r.error, backend: [] }]);
}

const READER = { bytes: 32 * 1024 * 1024, chunkBytes: 16 * 1024, everyMs: 100, forMs: 2000 } as const;

/** The slow reader's outcome: every byte in order, or a clean close after a prefix of the stream. */
export function judgeReader(r: Awaited<ReturnType<ClientHost['transfer']>>): { ok: boolean; how: string } {
  if (r.ok) return r.down?.match ? { ok: true, how: `got all ${r.down.bytes} bytes of the stream after ${Math.round(r.elapsedMs)} ms` } : { ok: false, how: `got ${r.down?.bytes} bytes that are not the stream` };
  if (/not the stream from byte/.test(r.error)) return { ok: false, how: `${r.error}: bytes of another response` };
  if (/timeout after/.test(r.error)) return { ok: false, how: `${r.error}: neither every byte nor a close` };
  return { ok: true, how: `closed cleanly: ${r.error}` };
}

async function slowReader(ctx: CheckContext) {
  const reader = ctx.topology.clients[0]!.transfer({ downBytes: READER.bytes, pace: { chunkBytes: READER.chunkBytes, everyMs: READER.everyMs, forMs: READER.forMs }, timeoutMs: READER.forMs + 20_000 });
  await sleep(300); // the response is under way before the others start
  const normal = await normalTraffic(ctx.topology.clients[1]!, READER.forMs - 500, 200, 'during-slow-read');
  const r = await reader;
  const judged = judgeReader(r);
  return verdictOf([
    { case: 'slow-reader', ok: judged.ok, outcome: judged.how, rfc: 'RFC 9112 §9.3', client: r.ok ? `${r.down?.bytes} bytes` : r.error, backend: [] },
    normalCase('normal-client', normal),
  ]);
}

export const slowChecks: Check[] = [
  {
    id: 'security.slow.header',
    title: 'Slowloris: a request head trickled in is closed (408 or close) at the header timeout; a normal client is unaffected',
    requires: ['http', 'timeout:header'],
    notes: `${SLOWLORIS} connections send a request line, then a header a byte every ${TRICKLE_MS} ms, never the blank line; header timeout ${SLOW.headerMs} ms. Pass: each is closed (a 4xx such as 408, or no response) within ${SLOW.headerMs} + ${HEADER_SLACK_MS} ms of connecting, no slowloris byte reaches the backend, and normal requests every 200 ms meanwhile each get 200 within ${NORMAL_LATENCY_MS} ms. False failures: only a machine so loaded that a timer fires ${HEADER_SLACK_MS} ms late, or a loopback request takes over ${NORMAL_LATENCY_MS} ms (unloaded: < 10 ms).`,
    scenario: slowPlan,
    sharesTopology: true,
    run: slowHeader,
  },
  {
    id: 'security.slow.upload',
    title: 'A slow upload within the idle timeout is not cut by the response timeout',
    requires: ['http', 'timeout:response', 'timeout:idle'],
    notes: `POST /sha256 of ${UPLOAD.chunks} × ${UPLOAD.chunkBytes} bytes, one piece every ${UPLOAD.everyMs} ms (${UPLOAD.chunks * UPLOAD.everyMs} ms in all), response timeout ${SLOW.responseMs} ms, idle timeout ${SLOW.idleMs} ms. Pass: HTTP 200 and the backend's sha256 of the body matches (it arrived whole). A 504 or a cut means the response timeout started before the request was sent. False failures: a gap of ${SLOW.idleMs} ms between pieces ${UPLOAD.everyMs} ms apart would need a stall of ~3 s on the client.`,
    scenario: slowPlan,
    sharesTopology: true,
    run: slowUpload,
  },
  {
    id: 'security.slow.reader',
    title: 'A slow reader of a large response does not stall other clients and gets every byte or a clean close',
    requires: ['http'],
    clients: 2,
    notes: `Client 1 downloads GET /bytes of ${READER.bytes / 1024 / 1024} MiB reading ${READER.chunkBytes / 1024} KiB every ${READER.everyMs} ms for ${READER.forMs} ms (TCP then holds the balancer back), then at full speed; client 2 sends a normal request every 200 ms meanwhile. Pass: each normal request gets 200 within ${NORMAL_LATENCY_MS} ms, and the reader gets exactly the agent's byte stream (compared byte by byte as they come, so a cut download is also checked to be a prefix of the stream) or a clean close after a prefix; a timeout (${READER.forMs + 20_000} ms in all) fails. False failures: a loopback request over ${NORMAL_LATENCY_MS} ms (unloaded: < 10 ms).`,
    scenario: slowPlan,
    sharesTopology: true,
    run: slowReader,
  },
];
