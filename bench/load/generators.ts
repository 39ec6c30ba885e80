// The registry of closed-loop generators, by the name `fulcrum bench --generator` takes.
import { autocannonGenerator } from './autocannon.ts';
import { GENERATOR_NAMES, type GeneratorName, type LoadGenerator } from './generator.ts';
import { h2load } from './h2load.ts';
import { wrk } from './wrk.ts';

const GENERATORS: Record<GeneratorName, LoadGenerator> = { autocannon: autocannonGenerator, wrk, h2load };

export function isGeneratorName(name: string): name is GeneratorName {
  return (GENERATOR_NAMES as readonly string[]).includes(name);
}

export function generatorNamed(name: GeneratorName): LoadGenerator {
  return GENERATORS[name];
}
