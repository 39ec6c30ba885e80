export { Pool, Lease, BackendState, PoolError } from './pool.ts';
export type { BackendSpec, CheckResult, BackendStateName, ReleaseResult } from './pool.ts';
