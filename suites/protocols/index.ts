// L7 protocol checks: HTTP/2 per-stream balancing and TLS termination (SNI, ALPN).
import { h2cPerStreamCheck, h2PerStreamCheck } from './h2.ts';
import { tlsAlpnCheck, tlsSniCheck } from './tls.ts';
import type { Check } from '../../harness/index.ts';

export const protocolChecks: readonly Check[] = [h2PerStreamCheck, h2cPerStreamCheck, tlsSniCheck, tlsAlpnCheck];
export { h2PerStreamCheck, h2cPerStreamCheck, tlsSniCheck, tlsAlpnCheck };
