// The driver registry behind --driver. 'local' is built in; other drivers register themselves
// (the containers driver calls registerDriver('containers', …) from its own module, and that
// module is listed in DRIVER_MODULES below so that the CLI loads it).
import { localDriver } from './local/driver.ts';
import type { Driver } from './topology.ts';

export class UnknownDriverError extends Error {
  readonly code = 'FULCRUM_ERR_UNKNOWN_DRIVER';
}

const loaders = new Map<string, () => Promise<Driver>>([['local', async () => localDriver]]);

/** Modules that register a driver when imported. Loading one that is missing or broken only
 *  removes its driver from the list; it never breaks the local driver. */
const DRIVER_MODULES: ReadonlyArray<readonly [string, () => Promise<unknown>]> = [
  // Literal import() so bundlers see the module (bin/bundle.js).
  ['./containers/register.ts', () => import('./containers/register.ts')],
];

let modulesLoaded: Promise<void> | undefined;
/** Why a listed driver module did not load, shown when its driver is asked for. */
const loadProblems: string[] = [];

function loadDriverModules(): Promise<void> {
  return (modulesLoaded ??= (async () => {
    for (const [m, load] of DRIVER_MODULES) {
      await load().catch((err: Error) => loadProblems.push(`${m} did not load: ${err.message.split('\n')[0]}`));
    }
  })());
}

export function registerDriver(name: string, load: () => Promise<Driver>): void {
  loaders.set(name, load);
}

export async function driverNames(): Promise<string[]> {
  await loadDriverModules();
  return [...loaders.keys()];
}

export async function resolveDriver(name: string): Promise<Driver> {
  await loadDriverModules();
  const load = loaders.get(name);
  if (!load) {
    const why = loadProblems.length ? ` (${loadProblems.join('; ')})` : '';
    throw new UnknownDriverError(`unknown driver "${name}": available drivers are ${[...loaders.keys()].join(', ')}${why}`);
  }
  return load();
}
