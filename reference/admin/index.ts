export { createAdminServer } from './server.ts';
export { statsSnapshot } from './stats.ts';
export type { Stats, ListenerStats, BackendStats, ListenerInfo } from './stats.ts';
export { prometheusText, escapeLabel } from './prometheus.ts';
