// The throwaway CA and certificates the protocol checks hand to the balancer (Scenario.tls): made
// once per process (RSA keys take tens of ms each), under names no resolver knows (RFC 6761 .test).
import { createTestCa, type Leaf, type ScenarioTls } from '../../harness/index.ts';

export const SNI_A = 'a.fulcrum.test';
export const SNI_B = 'b.fulcrum.test';

let made: { tls: ScenarioTls; a: Leaf; b: Leaf } | undefined;

/** Two certificates on one listener: SNI_A (the default) and SNI_B. */
export function protocolCertificates(): { tls: ScenarioTls; a: Leaf; b: Leaf } {
  if (made) return made;
  const ca = createTestCa();
  const a = ca.issue([SNI_A]);
  const b = ca.issue([SNI_B]);
  made = { a, b, tls: { ca: ca.cert, certificates: [a, b].map((l) => ({ names: [...l.names], cert: l.cert, key: l.key })) } };
  return made;
}
