// Targets for the algorithm tests: the reference claiming the whole catalogue, the reference with a
// different algorithm than it claims (a balancer that breaks a check on purpose), and HAProxy with
// map-based hashing (plain modulo: a hash that reshuffles every key when a server comes or goes).
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { FileTarget, parseTargetFile, referenceTarget, type Scenario, type Target } from '../../../harness/index.ts';
import { schedulerNames } from '../../../reference/index.ts';

/** A target that also claims `algorithm:<name>` for each name. */
export function claiming(target: Target, names: readonly string[]): Target {
  const capabilities = [...new Set([...target.capabilities, ...names.map((n) => `algorithm:${n}`)])];
  return { name: target.name, capabilities, version: () => target.version(), available: () => target.available(), render: (s) => target.render(s) };
}

/** The reference balancer claiming every scheduler of its catalogue. */
export function fullReference(): Target {
  return claiming(referenceTarget(), schedulerNames());
}

/** The reference claiming every algorithm but rendering `renders` whenever the scenario asks for
 *  `asked`: a deliberately broken balancer. `key: null` drops the scenario's hash key as well. */
export function substituted(asked: string, renders: Scenario['algorithm'], options: { key?: Scenario['key'] | null } = {}): Target {
  const base = fullReference();
  return {
    name: `reference-${asked}-as-${renders.name}`,
    capabilities: base.capabilities,
    version: () => base.version(),
    available: () => base.available(),
    render(s) {
      if (s.algorithm.name !== asked) return base.render(s);
      const { key: _key, ...rest } = s;
      const key = options.key === undefined ? s.key : options.key;
      return base.render({ ...rest, algorithm: renders, ...(key ? { key } : {}) });
    },
  };
}

const MODULO_FILE = fileURLToPath(new URL('./haproxy-modulo.yaml', import.meta.url));

/** HAProxy whose hashing is map-based (hash mod number of live servers), claiming ring, maglev and
 *  rendezvous: it keeps keys sticky while nothing changes, and moves most keys on any change. */
export function moduloHaproxy(): Target {
  return new FileTarget(parseTargetFile(readFileSync(MODULO_FILE, 'utf8'), MODULO_FILE), MODULO_FILE);
}

/** `base` claiming `asked` as well, rendering the scenario with `renders` instead: to learn what
 *  a balancer's own algorithm really is (HAProxy's weighted leastconn checked as nq). */
export function renderedAs(base: Target, asked: string, renders: string): Target {
  return {
    name: `${base.name}-${renders}-as-${asked}`,
    capabilities: [...new Set([...base.capabilities, `algorithm:${asked}`])],
    version: () => base.version(),
    available: () => base.available(),
    render: (s) => base.render(s.algorithm.name === asked ? { ...s, algorithm: { ...s.algorithm, name: renders } } : s),
  };
}
