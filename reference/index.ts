// The reference balancer's door: other rooms import from here.
export { startBalancer, ListenError, formatAddress } from './daemon.ts';
export type { BalancerOptions, RunningBalancer, RunningListener } from './daemon.ts';
export { loadConfig, parseConfig, parseYamlWith, readConfigText } from './config/load.ts';
export { ConfigError, describeIssues } from './config/errors.ts';
export type { BalancerConfig, ListenerConfig, BackendConfig, HealthConfig, KeyConfig } from './config/schema.ts';
export { schedulerFactory, schedulerNames, buildRing, maglevPermutation, populateMaglev } from './algorithms/index.ts';
// One call from an algorithm config to a scheduler with its wrappers, as the proxies make it (fulcrum simulate).
export { createScheduler, SchedulerOptionError } from './algorithms/index.ts';
export { fmix32 } from './keys/index.ts';
export type { Scheduler, SchedulerFactory, BackendView, PickContext, WorkResult } from './algorithms/index.ts';
export { proxyHeaderV1, proxyHeaderV2 } from './l4/index.ts';
export { statsSnapshot, prometheusText } from './admin/index.ts';
export type { Stats } from './admin/index.ts';
// the LVS real-server agent behind `fulcrum rs-agent`
export { parseIPv4, startRsAgent } from './lvs/index.ts';
// The LVS packet engine (config, engine, runner, real-server agent, packet helpers): lvs.LvsEngine …
export * as lvs from './lvs/index.ts';
// The L7 proxy's pure head handling (strict head check, header rewrites, hand-written heads): l7.inspectRequestHead …
export * as l7 from './l7/index.ts';
