// The load generators: closed loop (autocannon, wrk or h2load) and open loop (constant rate, CO corrected).
export { runClosedLoop, type ClosedLoopOptions } from './closed-loop.ts';
export { runOpenLoop, type OpenLoopOptions } from './open-loop.ts';
export { assertLoopbackUrl, NonLoopbackTargetError } from './loopback.ts';
export type { LoadOutcome, LoadTarget } from './types.ts';
export { DEFAULT_GENERATOR, GENERATOR_NAMES, type GeneratorName, type GeneratorRunOptions, type LoadGenerator } from './generator.ts';
export { generatorNamed, isGeneratorName } from './generators.ts';
export { findOnPath, GeneratorMissingError } from './external.ts';
