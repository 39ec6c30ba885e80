// Strict RFC 9112 message heads: lines end in CRLF only (§2.2: a bare LF or CR is an error here,
// since the harness judges what a sender emitted), field names are tokens with the colon right
// after them (§5.1), values hold no control bytes (RFC 9110 §5.5), obs-fold is rejected (§5.2).
// Pure: bytes are latin1 strings, one char per byte.

export interface Field {
  name: string;
  value: string;
}

export class Http1Error extends Error {
  constructor(
    message: string,
    /** Offset in the input where the problem is. */
    readonly offset: number,
    /** The RFC section that the bytes break, e.g. "RFC 9112 §6.3". */
    readonly rfc: string,
  ) {
    super(message);
  }
}

export const TOKEN = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/;
/** Field value characters: VCHAR, obs-text, SP, HTAB. */
const FIELD_VALUE = /^[\t\x20-\x7e\x80-\xff]*$/;

/** A head that has not fully arrived yet. */
export const NEED_MORE = Symbol('need-more');

export interface Head {
  startLine: string;
  fields: Field[];
  /** Offset just after the empty line that ends the head. */
  end: number;
}

/** One line from `at`: its text and where the next starts; NEED_MORE when no CRLF yet. */
export function readLine(bytes: string, at: number): { line: string; next: number } | typeof NEED_MORE {
  const lf = bytes.indexOf('\n', at);
  const cr = bytes.indexOf('\r', at);
  if (cr >= 0 && (lf < 0 || cr < lf - 1)) {
    if (cr + 1 >= bytes.length && lf < 0) return NEED_MORE;
    throw new Http1Error('bare CR in a line', cr, 'RFC 9112 §2.2');
  }
  if (lf < 0) return NEED_MORE;
  if (lf === at || bytes[lf - 1] !== '\r') throw new Http1Error('bare LF as a line ending', lf, 'RFC 9112 §2.2');
  return { line: bytes.slice(at, lf - 1), next: lf + 1 };
}

export function parseField(line: string, offset: number): Field {
  if (line.startsWith(' ') || line.startsWith('\t')) throw new Http1Error('obs-fold (a line continued with whitespace)', offset, 'RFC 9112 §5.2');
  const colon = line.indexOf(':');
  if (colon <= 0) throw new Http1Error(`a field line without a name and colon: ${JSON.stringify(line.slice(0, 40))}`, offset, 'RFC 9112 §5');
  const name = line.slice(0, colon);
  if (!TOKEN.test(name)) {
    const why = /[ \t]$/.test(name) ? 'whitespace between the field name and the colon' : `the field name ${JSON.stringify(name.slice(0, 40))} is not a token`;
    throw new Http1Error(why, offset, /[ \t]$/.test(name) ? 'RFC 9112 §5.1' : 'RFC 9110 §5.1');
  }
  const value = line.slice(colon + 1).replace(/^[ \t]+|[ \t]+$/g, '');
  if (!FIELD_VALUE.test(value)) throw new Http1Error(`a control byte in the value of ${name}`, offset, 'RFC 9110 §5.5');
  return { name, value };
}

/** The start line and fields from `at`; empty lines before the start line are skipped (§2.2). */
export function readHead(bytes: string, at: number): Head | typeof NEED_MORE {
  let pos = at;
  let first = readLine(bytes, pos);
  while (first !== NEED_MORE && first.line === '') {
    pos = first.next;
    first = readLine(bytes, pos);
  }
  if (first === NEED_MORE) return NEED_MORE;
  const fields: Field[] = [];
  pos = first.next;
  for (;;) {
    const l = readLine(bytes, pos);
    if (l === NEED_MORE) return NEED_MORE;
    if (l.line === '') return { startLine: first.line, fields, end: l.next };
    fields.push(parseField(l.line, pos));
    pos = l.next;
  }
}

/** All values of a field (case-insensitive name), in order. */
export function fieldValues(fields: readonly Field[], name: string): string[] {
  const lower = name.toLowerCase();
  return fields.filter((f) => f.name.toLowerCase() === lower).map((f) => f.value);
}

/** Comma-separated list elements of every line of a field, trimmed, empty ones dropped (RFC 9110 §5.6.1). */
export function fieldList(fields: readonly Field[], name: string): string[] {
  return fieldValues(fields, name)
    .flatMap((v) => v.split(','))
    .map((s) => s.trim())
    .filter(Boolean);
}
