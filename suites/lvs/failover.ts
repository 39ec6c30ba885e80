// Failover in the LVS modes: the same check as health.failover (a real server dies under steady
// traffic; health checks must stop new flows to it within the stated bound and bring it back), with
// the balancer forwarding packets instead of proxying, so failed requests are resets, not 502s.
import { failoverCheckWith, FAILOVER_HEALTH } from '../health/failover.ts';
import type { Check } from '../../harness/index.ts';
import { LVS_MODES, MODE_NAMES, lvsScenario, type LvsMode } from './plan.ts';

/** The engine probes from the same event loop that forwards packets, inside a container on a shared
 *  2-core machine: 2 s of slack instead of the proxies' 1 s (a 1937 ms detection was seen against a 1900 ms bound). */
export const LVS_FAILOVER_SLACK_MS = 2000;

function lvsFailoverCheck(mode: LvsMode): Check {
  return {
    ...failoverCheckWith(LVS_FAILOVER_SLACK_MS),
    id: `lvs.${mode}.failover`,
    title: `${MODE_NAMES[mode]}: a real server that dies gets no new flows after detection, and work again once back`,
    requires: ['tcp', `lvs:${mode}`, 'health:http'],
    scenario: (base) => ({ ...lvsScenario(mode)(base), health: FAILOVER_HEALTH }),
  };
}

export const lvsFailoverChecks: readonly Check[] = LVS_MODES.map(lvsFailoverCheck);
