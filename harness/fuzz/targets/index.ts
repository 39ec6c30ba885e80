// The fuzz targets by name.
import type { FuzzTarget } from '../target.ts';
import { l7HeadTarget } from './l7-head.ts';
import { lvsEngineTarget } from './lvs-engine.ts';
import { lvsPacketTarget } from './lvs-packet.ts';
import { proxyHeaderTarget } from './proxy-header.ts';

export const fuzzTargets: readonly FuzzTarget[] = [proxyHeaderTarget, l7HeadTarget, lvsPacketTarget, lvsEngineTarget];

export function fuzzTarget(name: string): FuzzTarget {
  const t = fuzzTargets.find((x) => x.name === name);
  if (!t) throw new RangeError(`unknown fuzz target "${name}" (known: ${fuzzTargets.map((x) => x.name).join(', ')})`);
  return t;
}
