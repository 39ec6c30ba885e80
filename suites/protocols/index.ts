// L7 protocol checks: HTTP/2 per-stream balancing and TLS termination (SNI, ALPN).
import { h2PerStreamCheck } from './h2.ts';
import { tlsAlpnCheck, tlsSniCheck } from './tls.ts';
import type { Check } from '../../harness/index.ts';

export const protocolChecks: readonly Check[] = [h2PerStreamCheck, tlsSniCheck, tlsAlpnCheck];
export { h2PerStreamCheck, tlsSniCheck, tlsAlpnCheck };
