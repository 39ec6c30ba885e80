// Findings in code this fuzzer does not own (reference/l7, reference/lvs/engine*.ts), listed so the
// short run stays a gate for new bugs while these wait for their owners. Each has a reproducer in the
// corpus (corpus/<target>/finding-<id>.bin); the replay test checks that it still reproduces, so an
// entry is removed when its fix lands, and its reproducer stays as a seed that must then pass. An input that hits one is counted, not hidden: `npm run fuzz`
// prints the counts, and --strict treats them as crashes.
export interface KnownFinding {
  target: string;
  id: string;
  /** Matches the error the target throws for it. */
  match: RegExp;
  owner: string;
  note: string;
}

// None open. Fixed and removed (reproducers kept as regression seeds, replayed by replay.test.ts):
// connection-drops-framing, connection-drops-host (reference/l7/headers.ts: Connection never nominates
// framing or Host), status-not-three-digits (reference/l7/raw-reply.ts relayedResponseHead: the upgrade
// path answers 502), forwards-truncated-packet, segments-bad-tcp-header (reference/lvs/engine.ts drops
// malformed IPv4/TCP).
export const knownFindings: readonly KnownFinding[] = [];

export function knownFinding(target: string, error: unknown): KnownFinding | undefined {
  const text = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
  return knownFindings.find((k) => k.target === target && k.match.test(text));
}
