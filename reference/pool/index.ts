export { Pool, Lease, BackendState, PoolError } from './pool.ts';
export type { BackendSpec, CheckResult, BackendStateName, ReleaseResult, MutablePickContext } from './pool.ts';
