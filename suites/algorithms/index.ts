// The algorithms room of the suites: network conformance checks for the scheduler catalogue, and
// the in-process quality figures of the consistent hashes.
import { stickyChecks } from './sticky.ts';
import { disruptionChecks } from './disruption.ts';
import { heldChecks } from './held.ts';
import { p2cHeldCheck } from './p2c.ts';
import { shareChecks } from './share.ts';
import { qualityCheck } from './quality-check.ts';
import { foFailoverCheck } from './failover-order.ts';
import type { AlgorithmCheck } from './check.ts';

export const algorithmChecks: readonly AlgorithmCheck[] = [...stickyChecks, ...shareChecks, ...heldChecks, p2cHeldCheck, foFailoverCheck, ...disruptionChecks, qualityCheck];

export type { AlgorithmCheck } from './check.ts';
export { qualityFigures, qualityMetrics, type QualityFigure } from './quality.ts';
