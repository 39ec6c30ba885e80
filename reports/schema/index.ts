// The low room's door: what every room reads. Results schemas (results@1, bench@1, micro@1), the
// environment they carry, fulcrum's version and the error catalogue. It imports only node builtins and
// npm packages, so any room can read it without climbing (see .dependency-cruiser.cjs).
export * from './results.ts';
export * from './bench.ts';
export * from './micro.ts';
export { collectEnvironment, microEnvironment } from './environment.ts';
export { version } from './version.ts';
export { ERROR_CATALOGUE, type CatalogueEntry } from './errors.ts';
