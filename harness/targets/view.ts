// The mustache view of a scenario that target templates render from. Pure.
import type { Scenario } from '../types.ts';
import { tlsPaths } from './tls-files.ts';

/** Left in rendered text for the driver to replace with the run's working directory. */
export const DIR_PLACEHOLDER = '{{dir}}';

export interface ScenarioView {
  dir: string;
  listen: { host: string; port: number };
  admin: { host: string; port: number } | false;
  mode: { name: string; http: boolean; tcp: boolean; udp: boolean };
  /** name: the target's own (mapped) name; ours: our config string; plus our options. */
  algorithm: Record<string, unknown> & { name: string; ours: string; is: Record<string, true> };
  key: (Record<string, unknown> & { from: string; name?: string }) | false;
  backends: { id: string; host: string; port: number; weight: number; index: number; first: boolean; last: boolean }[];
  /** intervalS: the interval in whole seconds, rounded up (nginx's fail_timeout takes no ms). */
  health: (NonNullable<Scenario['health']> & { http: boolean; tcp: boolean; intervalS: number }) | false;
  proxyProtocol: { version: 'v1' | 'v2'; v1: boolean; v2: boolean } | false;
  /** The target file's bench settings while `fulcrum bench` renders ({} when it has none), else false. */
  bench: Record<string, string | number | boolean> | false;
  /** The scenario's timeouts in ms and in whole seconds rounded up (for balancers that take
   *  seconds only, e.g. nginx's client_header_timeout); false when the scenario sets none. */
  timeouts: { header: TimeoutView | false; response: TimeoutView | false; idle: TimeoutView | false } | false;
  /** Client connections at once (scenario maxConnections), or false. */
  maxConnections: number | false;
  /** The process's open-file limit the driver applies (scenario fdLimit), or false. */
  fdLimit: number | false;
  /** TLS termination: each certificate's files in the working directory (tls-files.ts) and names;
   *  `name` is the first. False when the scenario wants no TLS. */
  tls: { certificates: TlsCertificateView[]; ca: string } | false;
  /** HTTP/2 from clients; `tls` says over TLS (ALPN h2) or h2c by prior knowledge. */
  http2: { tls: boolean; h2c: boolean } | false;
}

export interface TlsCertificateView {
  index: number;
  first: boolean;
  last: boolean;
  name: string;
  names: string[];
  cert: string;
  key: string;
  pem: string;
}

export interface TimeoutView {
  ms: number;
  /** Whole seconds, rounded up (never 0). */
  s: number;
}

const timeoutView = (ms: number | undefined): TimeoutView | false => (ms === undefined ? false : { ms, s: Math.max(1, Math.ceil(ms / 1000)) });

export function scenarioView(s: Scenario, mappedAlgorithm = s.algorithm.name, bench: ScenarioView['bench'] = s.profile === 'bench' ? {} : false): ScenarioView {
  const { name: ours, ...options } = s.algorithm;
  return {
    dir: DIR_PLACEHOLDER,
    listen: { ...s.listen },
    admin: s.admin ? { ...s.admin } : false,
    mode: { name: s.mode, http: s.mode === 'http', tcp: s.mode === 'tcp', udp: s.mode === 'udp' },
    // algorithm.is.<ours> lets templates add lines for one algorithm (e.g. hash-type for ring).
    algorithm: { ...options, name: mappedAlgorithm, ours, is: { [ours]: true } },
    // key.uri, key.header … let templates branch on the key source.
    // key.snake: the name lowercased with '-' as '_' (nginx's $http_<name>, $cookie_, $arg_ variables).
    key: s.key ? { ...s.key, [s.key.from]: true, ...(s.key.name !== undefined ? { snake: s.key.name.toLowerCase().replaceAll('-', '_') } : {}) } : false,
    backends: s.backends.map((b, i) => ({ id: b.id, host: b.host, port: b.port, weight: b.weight, index: i, first: i === 0, last: i === s.backends.length - 1 })),
    health: s.health ? { ...s.health, http: s.health.type === 'http', tcp: s.health.type === 'tcp', intervalS: Math.max(1, Math.ceil(s.health.intervalMs / 1000)) } : false,
    proxyProtocol: s.proxyProtocol ? { version: s.proxyProtocol, v1: s.proxyProtocol === 'v1', v2: s.proxyProtocol === 'v2' } : false,
    bench,
    timeouts: s.timeouts ? { header: timeoutView(s.timeouts.headerMs), response: timeoutView(s.timeouts.responseMs), idle: timeoutView(s.timeouts.idleMs) } : false,
    maxConnections: s.maxConnections ?? false,
    fdLimit: s.fdLimit ?? false,
    tls: s.tls
      ? {
          ca: `${DIR_PLACEHOLDER}/tls/ca.crt`,
          certificates: s.tls.certificates.map((c, i, all) => ({ index: i, first: i === 0, last: i === all.length - 1, name: c.names[0] ?? '', names: [...c.names], ...tlsPaths(i, DIR_PLACEHOLDER) })),
        }
      : false,
    http2: s.http2 ? { tls: s.tls !== undefined, h2c: s.tls === undefined } : false,
  };
}
