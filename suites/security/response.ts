// Response side: a backend that sends a malformed, oversized or truncated response, closes mid-body
// or appends an unsolicited response must give the client a clear error (a 5xx, or a connection
// that ends before the message is complete), never a broken message passed on as whole, and never
// another request's bytes (RFC 9112 §4, §5.1, §6.3, §8, §9.6; RFC 9110 §5.5). After every case a
// second client connection asks again and must get its own answer.
import { BACKEND_HEADER, MISBEHAVE_PATH, REQUEST_ID_HEADER, http1, type Check, type CheckContext, type Misbehaviour } from '../../harness/index.ts';
import { runCases, securityPlan } from './case-check.ts';
import type { CaseResult } from './judge.ts';
import { excerpt, observe, type Observed } from './wire.ts';

const request = (path: string, id: string, close: boolean) => `GET ${path} HTTP/1.1\r\nHost: fulcrum.test\r\n${REQUEST_ID_HEADER}: ${id}\r\n${close ? 'Connection: close\r\n' : ''}\r\n`;

/** What the client got for the broken response: acceptable, with how, or the problem. */
export function judgeBroken(kind: Misbehaviour, id: string, backend: string, o: Observed): { ok: boolean; how: string } {
  if (!o.client.ok) return { ok: true, how: `connection failed (${o.client.error})` };
  const parsed = http1.parseResponses(o.client.bytes, ['GET']);
  if (parsed.error) return { ok: false, how: `the client got bytes that are not valid HTTP/1.1: ${parsed.error.message} (${parsed.error.rfc})` };
  const finals = parsed.messages.filter((m) => m.status >= 200);
  if (finals.length > 1) return { ok: false, how: `the client got ${finals.length} responses to one request (the second with ${REQUEST_ID_HEADER} ${http1.field(finals[1]!, REQUEST_ID_HEADER) ?? '(none)'})` };
  const r = finals[0];
  if (!r) return { ok: true, how: `closed without a response (${o.client.end})` };
  const rid = http1.field(r, REQUEST_ID_HEADER);
  if (rid !== undefined && rid !== id) return { ok: false, how: `the client got the response for ${rid}` };
  if (r.status >= 500 && rid === undefined) return { ok: true, how: `HTTP ${r.status} from the balancer` };
  if (!r.complete) return { ok: true, how: `HTTP ${r.status}, body cut short and the connection closed (${r.body.length} bytes)` };
  const intended = `${backend} ${id}\n`;
  if (kind === 'truncated' || kind === 'close-mid-chunked') return { ok: false, how: `the cut response reached the client framed as complete (HTTP ${r.status}, ${r.body.length} bytes)` };
  if (r.status !== 200 || rid !== id || r.body !== intended) return { ok: false, how: `HTTP ${r.status} with body "${excerpt(r.body, 60)}" and ${REQUEST_ID_HEADER} ${rid ?? '(none)'}: neither an error nor the backend's response` };
  return { ok: true, how: 'forwarded, normalised to valid HTTP/1.1' };
}

/** The follow-up on a fresh connection: its own answer, never the unsolicited or an earlier one. */
export function judgeFollowUp(id: string, o: Observed): { ok: boolean; how: string } {
  if (!o.client.ok) return { ok: false, how: `the follow-up request failed: ${o.client.error}` };
  const parsed = http1.parseResponses(o.client.bytes, ['GET']);
  const r = parsed.messages.find((m) => m.status >= 200);
  if (parsed.error || !r) return { ok: false, how: `the follow-up got no valid response: ${parsed.error?.message ?? o.client.end}` };
  const rid = http1.field(r, REQUEST_ID_HEADER);
  if (rid !== id) return { ok: false, how: `the follow-up got the response for ${rid ?? '(no id)'} (HTTP ${r.status})` };
  if (r.status !== 200 || http1.field(r, BACKEND_HEADER) === undefined) return { ok: false, how: `the follow-up got HTTP ${r.status}` };
  return { ok: true, how: 'the follow-up got its own answer' };
}

async function runKind(ctx: CheckContext, kind: Misbehaviour): Promise<CaseResult> {
  const id = `${kind}-1`;
  const broken = await observe(ctx, { pieces: [{ data: request(`${MISBEHAVE_PATH}?kind=${kind}`, id, false) }], quietMs: 800, timeoutMs: 4000 });
  const first = judgeBroken(kind, id, ctx.topology.backends[0]!.id, broken);
  const follow = await observe(ctx, { pieces: [{ data: request('/after', `${kind}-2`, true) }], timeoutMs: 4000 });
  const second = judgeFollowUp(`${kind}-2`, follow);
  return {
    case: kind,
    ok: first.ok && second.ok,
    outcome: `${first.how}; ${second.how}`,
    rfc: 'RFC 9112 §4, §6.3, §8, §9.6; RFC 9110 §5.5',
    client: broken.client.ok ? `${excerpt(broken.client.bytes, 200)} [${broken.client.end}]` : broken.client.error,
    backend: broken.backend.map((b) => excerpt(b.bytes, 200)),
    followUp: follow.client.ok ? excerpt(follow.client.bytes, 160) : follow.client.error,
  };
}

function responseCheck(id: string, title: string, kinds: Misbehaviour[], notes: string): Check {
  return {
    id,
    title,
    requires: ['http'],
    notes: `${notes} The agent's misbehaviours (GET ${MISBEHAVE_PATH}?kind=…): ${kinds.join(', ')}; each is followed by a request on a new connection that must get its own ${REQUEST_ID_HEADER}.`,
    scenario: securityPlan,
    sharesTopology: true,
    run: (ctx) => runCases(ctx, kinds, (k) => runKind(ctx, k)),
  };
}

export const responseChecks = [
  responseCheck('security.response.malformed', 'A malformed response (bad status line, whitespace before a colon, NUL in a value) becomes a 5xx or is normalised, never passed on', ['bad-status', 'space-before-colon', 'nul-header'], 'Pass: a 5xx from the balancer, a closed connection, or a valid normalised copy (RFC 9112 §5.1 lets a proxy strip whitespace before the colon, RFC 9110 §5.5 replace NUL with SP).'),
  responseCheck('security.response.oversized', 'An oversized response head (256 KiB) becomes a 5xx or reaches the client whole', ['oversized-headers'], 'Pass: a 5xx, a closed connection, or the response intact with its own id and body.'),
  responseCheck('security.response.truncated', 'A response cut short (Content-Length not reached, chunked without its last chunk) never reaches the client as complete', ['truncated', 'close-mid-chunked'], 'Pass: a 5xx before any byte, or the client sees the body end early with the connection closed (RFC 9112 §8: an incomplete message).'),
  responseCheck('security.response.unsolicited', 'Bytes after a complete response (an unsolicited second response) never reach another request', ['appended'], 'RFC 9112 §9.6: a client receiving data it did not ask for must not treat it as a response to a later request; the follow-up must get its own id.'),
];
