// Key extraction: what a hashing scheduler hashes, computed outside the scheduler (HAProxy's
// backend.c computes the key, lb_chash.c only maps a number to a server). Pure functions over
// plain values: a flow's addresses and ports, a request's target and headers; never a socket.
// A missing key (no such header/cookie/parameter) is `undefined`: the caller then picks without
// a key (HAProxy falls back to round robin when the hash input is absent).
import type { KeyConfig } from '../config/schema.ts';
import { addressBytes } from './address.ts';
import { hashBytes, type HashName } from './hash.ts';

export interface FlowInfo {
  readonly protocol?: 'tcp' | 'udp';
  readonly sourceIp: string;
  readonly sourcePort: number;
  readonly destinationIp: string;
  readonly destinationPort: number;
}

export interface RequestInfo {
  /** The request target as received: "/a/b?x=1" (or an absolute URL for proxies). */
  readonly url: string;
  /** Header names in any case (node lowercases them); repeated headers as arrays. */
  readonly headers: Readonly<Record<string, string | readonly string[] | undefined>>;
}

export interface KeyInput {
  readonly flow?: FlowInfo;
  readonly request?: RequestInfo;
}

export type KeyExtractor = (input: KeyInput) => number | undefined;

export class KeyConfigError extends Error {
  readonly code = 'FULCRUM_ERR_KEY_CONFIG';
  constructor(
    readonly field: string,
    problem: string,
  ) {
    super(`key.${field} ${problem}`);
    this.name = 'KeyConfigError';
  }
}

const NAMED = new Set(['header', 'cookie', 'query']);
const encoder = new TextEncoder();

/** Build the extractor once (config load time); it validates the config and names the bad field. */
export function keyExtractor(config: KeyConfig, hash: HashName = 'murmur3'): KeyExtractor {
  const needsName = NAMED.has(config.from);
  if (needsName && !config.name) throw new KeyConfigError('name', `is required when key.from is "${config.from}"`);
  if (!needsName && config.name !== undefined) {
    throw new KeyConfigError('name', `is only for key.from header, cookie or query (key.from is "${config.from}")`);
  }
  const text = (s: string | undefined) => (s === undefined ? undefined : hashBytes(hash, encoder.encode(s)));
  const name = config.name ?? '';
  switch (config.from) {
    case 'source-ip':
      return ({ flow }) => (flow ? hashBytes(hash, address(flow.sourceIp)) : undefined);
    case 'destination-ip':
      return ({ flow }) => (flow ? hashBytes(hash, address(flow.destinationIp)) : undefined);
    case 'source-ip-port':
      return ({ flow }) => (flow ? hashBytes(hash, concat([address(flow.sourceIp), port(flow.sourcePort)])) : undefined);
    case 'five-tuple':
      return ({ flow }) =>
        flow
          ? hashBytes(
              hash,
              concat([
                Uint8Array.of(flow.protocol === 'udp' ? 17 : 6),
                address(flow.sourceIp),
                port(flow.sourcePort),
                address(flow.destinationIp),
                port(flow.destinationPort),
              ]),
            )
          : undefined;
    case 'uri':
      return ({ request }) => text(request?.url);
    case 'path':
      return ({ request }) => text(request ? pathOf(request.url) : undefined);
    case 'header':
      return ({ request }) => text(request ? headerValue(request.headers, name) : undefined);
    case 'cookie':
      return ({ request }) => text(request ? cookieValue(request.headers, name) : undefined);
    case 'query':
      return ({ request }) => text(request ? queryValue(request.url, name) : undefined);
  }
}

/** Address bytes, or the text itself when it is not an address (a hostname still hashes stably). */
function address(text: string): Uint8Array {
  return addressBytes(text) ?? encoder.encode(text);
}

function port(p: number): Uint8Array {
  return Uint8Array.of((p >> 8) & 0xff, p & 0xff);
}

function concat(parts: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}

/** "/a/b?x=1#f" → "/a/b"; an absolute URL loses its scheme and authority too. */
export function pathOf(url: string): string {
  const target = url.replace(/^[a-zA-Z][a-zA-Z0-9+.-]*:\/\/[^/?#]*/, '');
  const end = target.search(/[?#]/);
  const path = end < 0 ? target : target.slice(0, end);
  return path === '' ? '/' : path;
}

/** Repeated headers join with ", " (RFC 9110 §5.3); names match case-insensitively. */
export function headerValue(headers: RequestInfo['headers'], name: string): string | undefined {
  const lower = name.toLowerCase();
  let value = headers[lower];
  if (value === undefined) {
    for (const k of Object.keys(headers)) if (k.toLowerCase() === lower) value = headers[k];
  }
  if (value === undefined) return undefined;
  return typeof value === 'string' ? value : value.join(', ');
}

export function cookieValue(headers: RequestInfo['headers'], name: string): string | undefined {
  const raw = headers['cookie'] ?? headers['Cookie'];
  if (raw === undefined) return undefined;
  const all = typeof raw === 'string' ? raw : raw.join('; ');
  for (const pair of all.split(';')) {
    const eq = pair.indexOf('=');
    if (eq < 0 || pair.slice(0, eq).trim() !== name) continue;
    const v = pair.slice(eq + 1).trim();
    return v.length >= 2 && v.startsWith('"') && v.endsWith('"') ? v.slice(1, -1) : v;
  }
  return undefined;
}

/** First value of the parameter, percent-decoded ("+" is a space, as in forms). */
export function queryValue(url: string, name: string): string | undefined {
  const q = url.indexOf('?');
  if (q < 0) return undefined;
  const hashAt = url.indexOf('#', q);
  const query = url.slice(q + 1, hashAt < 0 ? undefined : hashAt);
  for (const pair of query.split('&')) {
    const eq = pair.indexOf('=');
    const k = decode(eq < 0 ? pair : pair.slice(0, eq));
    if (k === name) return eq < 0 ? '' : decode(pair.slice(eq + 1));
  }
  return undefined;
}

function decode(s: string): string {
  const plus = s.replace(/\+/g, ' ');
  try {
    return decodeURIComponent(plus);
  } catch {
    return plus; // malformed %-escape: hash the raw text rather than fail the request
  }
}
