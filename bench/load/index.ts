// The load generators: closed loop (autocannon) and open loop (constant rate, CO corrected).
export { runClosedLoop, type ClosedLoopOptions } from './closed-loop.ts';
export { runOpenLoop, type OpenLoopOptions } from './open-loop.ts';
export { assertLoopbackUrl, NonLoopbackTargetError } from './loopback.ts';
export type { LoadOutcome, LoadTarget } from './types.ts';
