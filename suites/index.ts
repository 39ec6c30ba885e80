// The suites room's door: every conformance check, in run order, grouped by concern.
import { rrCheck } from './distribution/rr.ts';
import { wrrCheck } from './distribution/wrr.ts';
import { lcCheck } from './distribution/lc.ts';
import { randomCheck } from './distribution/random.ts';
import { udpCheck } from './distribution/udp.ts';
import { xffCheck, forwardedCheck } from './source/forwarded-for.ts';
import { l4PeerCheck, proxyV1Check, proxyV2Check } from './source/l4.ts';
import { failoverCheck } from './health/failover.ts';
import { algorithmChecks } from './algorithms/index.ts';
import { lvsChecks } from './lvs/index.ts';
import { securityChecks } from './security/index.ts';
import { protocolChecks } from './protocols/index.ts';
import type { Check } from '../harness/index.ts';

export const allChecks: readonly Check[] = [
  rrCheck,
  wrrCheck,
  lcCheck,
  randomCheck,
  udpCheck,
  xffCheck,
  forwardedCheck,
  l4PeerCheck,
  proxyV1Check,
  proxyV2Check,
  failoverCheck,
  ...algorithmChecks,
  ...lvsChecks,
  ...securityChecks,
  ...protocolChecks,
];

export { rrCheck, wrrCheck, lcCheck, randomCheck, udpCheck, xffCheck, forwardedCheck, l4PeerCheck, proxyV1Check, proxyV2Check, failoverCheck };
export { sequentialHttp } from './traffic.ts';
