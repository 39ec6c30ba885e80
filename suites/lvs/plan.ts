// What every LVS check shares: the modes, the scenario (a TCP service on a VIP, real servers behind
// it), and the wire view the driver provides (harness/lvs-view.ts).
import { lvsView, type CheckContext, type LvsPlan, type LvsView, type ScenarioPlan, type Verdict } from '../../harness/index.ts';

export type LvsMode = LvsPlan['mode'];
export const LVS_MODES: readonly LvsMode[] = ['nat', 'dr', 'tun'];
export const MODE_NAMES: Record<LvsMode, string> = { nat: 'LVS-NAT', dr: 'LVS-DR', tun: 'LVS-TUN' };

/** The base scenario as an LVS service: TCP (the agents speak HTTP over it), round robin. */
export function lvsScenario(mode: LvsMode): (base: ScenarioPlan) => ScenarioPlan {
  return (base) => ({ ...base, mode: 'tcp', algorithm: { name: 'rr' }, lvs: { mode } });
}

/** The wire view, or a verdict saying why there is none (a driver without real L2 segments). */
export function requireView(ctx: CheckContext): LvsView | Verdict {
  const view = lvsView(ctx.topology);
  return view ?? { status: 'skip', reason: 'this driver gives no packet-level view (LVS checks need --driver containers)' };
}

export function isVerdict(x: LvsView | Verdict): x is Verdict {
  return 'status' in x;
}
