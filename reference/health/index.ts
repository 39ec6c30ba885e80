export { HealthState, describeTransition } from './state.ts';
export type { Transition, HealthThresholds } from './state.ts';
export { HealthChecker, probeFor } from './checker.ts';
export type { Probe, HealthCheckerOptions } from './checker.ts';
export { tcpProbe, httpProbe } from './probes.ts';
export type { ProbeResult, ProbeTarget } from './probes.ts';
