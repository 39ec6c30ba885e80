// What the proxy decides about a client's request head before anything goes to a backend, pure.
// Node's parser (llhttp, strict mode) already rejects most broken framing: CL together with TE,
// duplicate or list-valued Content-Length, a Transfer-Encoding whose last coding is not chunked,
// obs-fold, bare CR/LF, control bytes in names and values, bad chunk sizes. What it lets through,
// and what is decided here (RFC 9112 §2.3, §3.2, §6.1, §6.3; RFC 9110 §7.2):
//   505 a version other than HTTP/1.0 or 1.1 (llhttp parses "HTTP/2.0" and HTTP/0.9 lines);
//   414 a request target over limits.urlBytes; 431 more header lines than limits.headers, or more
//       than limits.headerBytes of them (the parser's own bound is set a little above the sum);
//   400 no Host (HTTP/1.1) or more than one, an invalid Host, Transfer-Encoding on HTTP/1.0 (framing faulty);
//   501 a transfer coding other than exactly "chunked" (e.g. "gzip, chunked": we would have to
//       pass a coded body on without its coding);
//   413 a Content-Length over limits.body.
// Re-checked defensively (llhttp rejects them first): CL with TE, several or non-digit CL.
// The result says how the body is framed, which the proxy then re-frames itself towards the
// backend, and the origin-form target and Host for an absolute-form request (§3.2.2).

export interface RequestLimits {
  /** Bytes of the header lines, request line excluded (431). */
  readonly headerBytes: number;
  /** Header lines per request (431 past it, never dropped). */
  readonly headers: number;
  /** Bytes of the request target (414). */
  readonly urlBytes: number;
  /** Bytes of a request body (413); undefined: no limit. */
  readonly body?: number | undefined;
}

export type BodyFraming = { readonly kind: 'none' } | { readonly kind: 'length'; readonly length: number } | { readonly kind: 'chunked' };

export type HeadVerdict =
  | {
      readonly ok: true;
      readonly body: BodyFraming;
      /** Origin-form target to send upstream. */
      readonly path: string;
      /** Host to send upstream in place of the client's: the authority of an absolute-form target. */
      readonly authority: string | undefined;
    }
  | { readonly ok: false; readonly status: 400 | 413 | 414 | 431 | 501 | 505; readonly reason: string };

export interface RequestHead {
  readonly method: string;
  readonly url: string;
  readonly httpVersion: string;
  readonly rawHeaders: readonly string[];
}

const NONE: BodyFraming = { kind: 'none' };
const DIGITS = /^\d+$/;
/** RFC 3986 host (reg-name, IPv4, IP-literal) with an optional port; empty is allowed (RFC 9110 §7.2). */
const HOST_VALUE = /^(?:\[[0-9A-Fa-f:.]+\]|[A-Za-z0-9\-._~!$&'()*+,;=%]*)(?::\d*)?$/;
const ABSOLUTE = /^https?:\/\/([^/?#]*)([^#]*)$/i;

const reject = (status: 400 | 413 | 414 | 431 | 501 | 505, reason: string): HeadVerdict => ({ ok: false, status, reason });

export function inspectRequestHead(head: RequestHead, limits: RequestLimits): HeadVerdict {
  const { httpVersion, url, rawHeaders: raw } = head;
  if (httpVersion !== '1.1' && httpVersion !== '1.0') return reject(505, `HTTP/${httpVersion} is not supported`);
  if (url.length > limits.urlBytes) return reject(414, `request target of ${url.length} bytes is over ${limits.urlBytes}`);
  if (raw.length / 2 > limits.headers) return reject(431, `${raw.length / 2} header lines are over ${limits.headers}`);
  let hosts = 0;
  let host = '';
  let lengths = 0;
  let length = '';
  let codings: string | undefined;
  let bytes = 0;
  for (let i = 0; i < raw.length; i += 2) {
    const name = raw[i] as string;
    bytes += name.length + (raw[i + 1] as string).length + 4; // "name: value\r\n"
    // Cheap pre-filter on length before lower-casing: host (4), content-length (14), transfer-encoding (17).
    if (name.length !== 4 && name.length !== 14 && name.length !== 17) continue;
    const lower = name.toLowerCase();
    const value = raw[i + 1] as string;
    if (lower === 'host') {
      hosts++;
      host = value;
    } else if (lower === 'content-length') {
      lengths++;
      length = value;
    } else if (lower === 'transfer-encoding') {
      codings = codings === undefined ? value : `${codings},${value}`;
    }
  }
  if (bytes > limits.headerBytes) return reject(431, `${bytes} bytes of header lines are over ${limits.headerBytes}`);
  if (hosts > 1) return reject(400, `${hosts} Host header lines`);
  if (hosts === 0 && httpVersion === '1.1') return reject(400, 'no Host in an HTTP/1.1 request');
  if (hosts === 1 && !HOST_VALUE.test(host)) return reject(400, 'invalid Host');
  const target = originForm(head);
  if (typeof target === 'string') return reject(400, target);
  let body: BodyFraming = NONE;
  if (codings !== undefined) {
    if (httpVersion === '1.0') return reject(400, 'Transfer-Encoding in an HTTP/1.0 request');
    if (lengths > 0) return reject(400, 'both Content-Length and Transfer-Encoding');
    const list = codings.split(',').map((c) => c.trim().toLowerCase()).filter((c) => c !== '');
    if (list.length !== 1 || list[0] !== 'chunked') return reject(501, `transfer coding "${codings}" is not supported (only chunked)`);
    body = { kind: 'chunked' };
  } else if (lengths > 0) {
    if (lengths > 1 || !DIGITS.test(length)) return reject(400, 'invalid Content-Length');
    const n = Number(length);
    if (!Number.isSafeInteger(n)) return reject(400, 'invalid Content-Length');
    if (limits.body !== undefined && n > limits.body) return reject(413, `body of ${n} bytes is over ${limits.body}`);
    body = { kind: 'length', length: n };
  }
  return { ok: true, body, path: target.path, authority: target.authority };
}

/** The origin-form target (and the authority, for absolute-form), or why the target is unusable. */
function originForm(head: RequestHead): { path: string; authority: string | undefined } | string {
  const url = head.url;
  if (url.charCodeAt(0) === 47 /* / */) return { path: url, authority: undefined };
  if (url === '*') return head.method === 'OPTIONS' ? { path: url, authority: undefined } : 'asterisk-form is only for OPTIONS';
  const m = ABSOLUTE.exec(url);
  if (m === null) return 'request target is not origin-form or absolute-form';
  const authority = m[1] as string;
  if (authority === '' || authority.includes('@') || !HOST_VALUE.test(authority)) return 'invalid authority in the request target';
  const rest = m[2] as string;
  return { path: rest === '' ? '/' : rest.startsWith('?') ? `/${rest}` : rest, authority };
}
