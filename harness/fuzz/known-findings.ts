// Findings in code this fuzzer does not own (reference/l7, reference/lvs/engine*.ts), listed so the
// short run stays a gate for new bugs while these wait for their owners. Each has a reproducer in the
// corpus (corpus/<target>/finding-<id>.bin); the replay test checks that it still reproduces, so an
// entry is removed when its fix lands. An input that hits one is counted, not hidden: `npm run fuzz`
// prints the counts, and --strict treats them as crashes.
export interface KnownFinding {
  target: string;
  id: string;
  /** Matches the error the target throws for it. */
  match: RegExp;
  owner: string;
  note: string;
}

export const knownFindings: readonly KnownFinding[] = [
  {
    target: 'l7-head',
    id: 'connection-drops-framing',
    match: /^FuzzPropertyError: the request body loses its framing upstream/,
    owner: 'reference/l7/headers.ts',
    note: 'Connection: content-length removes Content-Length, the body goes upstream unframed (issue 11 smuggling)',
  },
  {
    target: 'l7-head',
    id: 'connection-drops-host',
    match: /^FuzzPropertyError: Host .* sent upstream as/,
    owner: 'reference/l7/headers.ts',
    note: 'Connection: host removes Host and no fallback Host is added (issue 11)',
  },
  {
    target: 'l7-head',
    id: 'status-not-three-digits',
    match: /^FuzzPropertyError: the status line .* is not three digits/,
    owner: 'reference/l7/headers.ts',
    note: 'a backend status "001" (llhttp accepts it) is written as "HTTP/1.1 1 …" by rawResponseHead, which no client parses',
  },
  {
    target: 'lvs-engine',
    id: 'forwards-truncated-packet',
    match: /^FuzzPropertyError: sent an IPv4 packet of \d+ bytes in \d+ bytes of frame/,
    owner: 'reference/lvs/engine.ts',
    note: 'a frame shorter than its IPv4 total length is forwarded (NAT/DR/TUN) instead of dropped as malformed (Linux ip_rcv drops it)',
  },
  {
    target: 'lvs-engine',
    id: 'segments-bad-tcp-header',
    match: /^FuzzPropertyError: a TCP segment the engine built has no complete TCP header/,
    owner: 'reference/lvs/engine.ts',
    note: 'a TUN-bound TCP packet with a data offset under 5 or past the packet is re-segmented (packet/segment.ts needs a whole TCP header) instead of dropped as malformed',
  },
];

export function knownFinding(target: string, error: unknown): KnownFinding | undefined {
  const text = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
  return knownFindings.find((k) => k.target === target && k.match.test(text));
}
