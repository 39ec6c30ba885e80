// Node's own HTTP/1 parser (llhttp, the one node:http servers and clients use, so the L7 proxy sees
// exactly these heads), driven directly so a fuzz input costs microseconds, not a socket round trip.
// process.binding('http_parser') is deprecated but is the only way to reach it without a socket.
export interface ParsedHead {
  rawHeaders: string[];
  method: string | undefined;
  url: string;
  status: number;
  versionMajor: number;
  versionMinor: number;
  upgrade: boolean;
  /** Body bytes llhttp delivered for this message (its framing: Content-Length or chunked). */
  bodyBytes: number;
  complete: boolean;
}

interface Parser {
  initialize(type: number, resource: object, maxHeaderSize?: number, lenient?: number): void;
  execute(data: Buffer): number | Error;
  finish(): number | Error | undefined;
  close(): void;
  [k: number]: unknown;
}
interface ParserClass {
  new (): Parser;
  REQUEST: number;
  RESPONSE: number;
  kOnHeaders: number;
  kOnHeadersComplete: number;
  kOnBody: number;
  kOnMessageComplete: number;
  kOnExecute: number;
}
interface Binding {
  HTTPParser: ParserClass;
  methods: string[];
}

function loadBinding(): Binding {
  const quiet = process.noDeprecation;
  process.noDeprecation = true; // DEP0111 is known and accepted here: say it once in the README, not per run
  try {
    return (process as unknown as { binding(name: string): Binding }).binding('http_parser');
  } finally {
    process.noDeprecation = quiet;
  }
}
const binding = loadBinding();
const { HTTPParser } = binding;

export type MessageKind = 'request' | 'response';

/** Parses `input` as a stream of requests or responses; returns the heads seen and whether it errored. */
export function parseMessages(input: Buffer, kind: MessageKind): { heads: ParsedHead[]; error: boolean } {
  const heads: ParsedHead[] = [];
  let pending: string[] = [];
  const p = new HTTPParser();
  p.initialize(kind === 'request' ? HTTPParser.REQUEST : HTTPParser.RESPONSE, {}, 16 * 1024, 0);
  p[HTTPParser.kOnHeaders] = (h: string[]) => {
    pending = pending.concat(h);
  };
  p[HTTPParser.kOnHeadersComplete] = (major: number, minor: number, h: string[] | undefined, method: number, url: string | undefined, status: number, _msg: string, upgrade: boolean) => {
    heads.push({ rawHeaders: h ?? pending, method: binding.methods[method], url: url ?? '', status, versionMajor: major, versionMinor: minor, upgrade, bodyBytes: 0, complete: false });
    pending = [];
    return 0;
  };
  p[HTTPParser.kOnBody] = (b: Buffer) => {
    const last = heads[heads.length - 1];
    if (last) last.bodyBytes += b.length;
  };
  p[HTTPParser.kOnMessageComplete] = () => {
    const last = heads[heads.length - 1];
    if (last) last.complete = true;
  };
  p[HTTPParser.kOnExecute] = () => {};
  const r = p.execute(input);
  p.close();
  return { heads, error: r instanceof Error };
}
