// Limits: a request past the balancer's header size, header count or URL length limit must be
// answered with a 4xx (400, 413, 414, 431) or reach the backend intact, never with parts silently
// dropped (RFC 9110 §15.5.15 for 414, RFC 6585 §5 for 431; RFC 9112 §3 and §5 let a server pick its
// limits). Judged from the backend's raw bytes.
import { REQUEST_ID_HEADER, http1, type Check } from '../../harness/index.ts';
import { runCases, securityPlan } from './case-check.ts';
import type { CaseResult } from './judge.ts';
import { excerpt, observe, type Observed } from './wire.ts';

const LIMIT_STATUSES = [400, 413, 414, 431, 494];

interface LimitCase {
  name: string;
  request: string;
  id: string;
  /** What the backend's copy must have to count as intact. */
  intact: (r: http1.Request) => string | undefined;
}

function limitCase(name: string, target: string, headers: string[]): LimitCase {
  const id = `${name}-1`;
  const request = `GET ${target} HTTP/1.1\r\nHost: fulcrum.test\r\n${headers.join('')}${REQUEST_ID_HEADER}: ${id}\r\nX-Last: last\r\nConnection: close\r\n\r\n`;
  const sent = http1.parseRequests(request).messages[0]!;
  return {
    name,
    request,
    id,
    intact: (r) => {
      if (r.target !== target) return `the backend got a target of ${r.target.length} bytes, the client sent ${target.length}`;
      // Connection is hop-by-hop: a balancer replaces it (RFC 9110 §7.6.1); everything else must arrive.
      for (const f of sent.fields.filter((x) => x.name.toLowerCase() !== 'connection')) {
        const got = http1.fieldValues(r.fields, f.name);
        if (!got.includes(f.value)) return `the backend got ${r.fields.length} header lines and lacks ${f.name} as sent (${f.value.length} bytes)`;
      }
      return undefined;
    },
  };
}

export function judgeLimit(c: LimitCase, o: Observed): CaseResult {
  const base = { case: c.name, rfc: 'RFC 9110 §15.5.15, RFC 6585 §5', client: o.client.ok ? `${excerpt(o.client.bytes, 160)} [${o.client.end}]` : o.client.error, backend: o.backend.map((b) => excerpt(b.bytes, 160)) };
  const parsed = o.backend.map((b) => ({ b, p: http1.parseRequests(b.bytes) }));
  const requests = parsed.flatMap((x) => x.p.messages);
  const invalid = parsed.find((x) => x.p.error)?.p.error;
  if (invalid) return { ...base, ok: false, outcome: `the backend received bytes that are not valid HTTP/1.1: ${invalid.message} (${invalid.rfc})` };
  const partial = parsed.find((x) => x.p.rest.length > 0 && !x.b.truncated)?.b;
  const responses = o.client.ok ? http1.parseResponses(o.client.bytes).messages.filter((m) => m.status >= 200) : [];
  const status = responses[0]?.status;
  const mine = requests.find((r) => http1.field(r, REQUEST_ID_HEADER) === c.id);
  if (partial) return { ...base, ok: false, outcome: `the backend got ${partial.bytes.length} bytes that are not a whole request` };
  if (requests.length > 0 && !mine) return { ...base, ok: false, outcome: `the backend got a request without the client's ${REQUEST_ID_HEADER} (dropped headers)` };
  if (mine) {
    const problem = c.intact(mine);
    if (problem) return { ...base, ok: false, outcome: `${problem}: headers silently dropped or cut${status ? ` (the client got HTTP ${status})` : ''}` };
    return { ...base, ok: true, outcome: `forwarded intact (${c.request.length} bytes; the client got ${status ? `HTTP ${status}` : 'no status'})` };
  }
  if (status !== undefined && LIMIT_STATUSES.includes(status)) return { ...base, ok: true, outcome: `rejected (HTTP ${status})` };
  return { ...base, ok: false, outcome: status !== undefined ? `nothing reached the backend and the client got HTTP ${status}, not 400/413/414/431` : `nothing reached the backend and the client got no status (${o.client.ok ? o.client.end : o.client.error})` };
}

const filler = (n: number, size: number) => Array.from({ length: n }, (_, i) => `X-Fill-${i}: ${'v'.repeat(size)}\r\n`);

export const limitCases = {
  headerSize: [limitCase('one-64k-header', '/big-header', [`X-Big: ${'b'.repeat(64 * 1024)}\r\n`]), limitCase('headers-total-128k', '/big-headers', filler(32, 4096))],
  headerCount: [limitCase('200-headers', '/count-200', filler(200, 8)), limitCase('2000-headers', '/count-2000', filler(2000, 8))],
  urlLength: [limitCase('url-16k', `/u?${'q'.repeat(16 * 1024)}`, []), limitCase('url-96k', `/u?${'q'.repeat(96 * 1024)}`, [])],
};

function limitCheck(id: string, title: string, cases: LimitCase[]): Check {
  return {
    id,
    title,
    requires: ['http'],
    notes: `Each case must be rejected with 400/413/414/431 (nothing reaching the backend) or reach the backend with every header and the target byte for byte; a request whose headers the backend got only in part fails. Cases: ${cases.map((c) => `${c.name} (${c.request.length} bytes)`).join(', ')}.`,
    scenario: securityPlan,
    sharesTopology: true,
    run: (ctx) => runCases(ctx, cases, async (c) => judgeLimit(c, await observe(ctx, { pieces: [{ data: c.request }], timeoutMs: 5000 }))),
  };
}

export const limitChecks = [
  limitCheck('security.limits.header-size', 'A header block past the size limit is a 400/431, or reaches the backend intact', limitCases.headerSize),
  limitCheck('security.limits.header-count', 'Headers past the count limit are a 400/431, never silently dropped', limitCases.headerCount),
  limitCheck('security.limits.url-length', 'A request target past the length limit is a 414/400, or reaches the backend intact', limitCases.urlLength),
];
