// The reference balancer as a target: renders our own YAML config (reference/config/schema.ts)
// from the scenario and runs `fulcrum serve --config {{dir}}/lb.yaml`.
import { access, readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { stringify } from 'yaml';
import { schedulerNames } from '../../reference/index.ts';
import type { Capability, Scenario, Target, TargetLaunch } from '../types.ts';
import { LVS_CAPABILITIES, renderLvs } from './reference-lvs.ts';
import { FULCRUM_BIN } from '../paths.ts';
import { tlsFiles, tlsPaths } from './tls-files.ts';
import { DIR_PLACEHOLDER } from './view.ts';

const PACKAGE_JSON = new URL('../../package.json', import.meta.url);
const SERVE_COMMAND = fileURLToPath(new URL('../../cli/commands/serve.ts', import.meta.url));

/** A target that takes algorithm options (e.g. p2c's draws) claims this; others would silently ignore them. */
export const ALGORITHM_OPTIONS_CAPABILITY = 'algorithm-options';

/** The scenario knobs a target renders (Scenario.timeouts, maxConnections); a check that needs one
 *  is skipped on a target that does not claim it. */
export const TUNING_CAPABILITIES: readonly Capability[] = ['timeout:header', 'timeout:response', 'timeout:idle', 'limit:connections'];

/** Every algorithm the reference registry has becomes 'algorithm:<name>'. */
export const REFERENCE_CAPABILITIES: readonly Capability[] = [
  ALGORITHM_OPTIONS_CAPABILITY,
  'http',
  'tcp',
  'udp',
  'xff',
  'forwarded',
  'xfp',
  'proxy-protocol:v1',
  'proxy-protocol:v2',
  'health:tcp',
  'health:http',
  'tls',
  'http2',
  'h2c',
  ...TUNING_CAPABILITIES,
  ...LVS_CAPABILITIES,
  ...schedulerNames().map((a) => `algorithm:${a}`),
];

const hostPort = (e: { host: string; port: number }) => (e.host.includes(':') ? `[${e.host}]:${e.port}` : `${e.host}:${e.port}`);

/** The reference balancer's config for a scenario: one listener named "main". Pure. */
export function referenceConfig(s: Scenario): Record<string, unknown> {
  return {
    version: 1,
    ...(s.admin ? { admin: { listen: hostPort(s.admin) } } : {}),
    drainTimeout: '1s',
    listeners: [
      {
        name: 'main',
        mode: s.mode,
        listen: hostPort(s.listen),
        algorithm: s.algorithm,
        ...(s.key ? { key: s.key } : {}),
        ...(s.proxyProtocol ? { proxyProtocol: s.proxyProtocol } : {}),
        ...(s.health
          ? { health: { type: s.health.type, path: s.health.path, interval: s.health.intervalMs, timeout: s.health.timeoutMs, rise: s.health.rise, fall: s.health.fall } }
          : {}),
        ...timeoutsConfig(s),
        ...(s.maxConnections !== undefined ? { limits: { connections: s.maxConnections } } : {}),
        ...(s.tls ? { tls: { certificates: s.tls.certificates.map((c, i) => ({ cert: tlsPaths(i, DIR_PLACEHOLDER).cert, key: tlsPaths(i, DIR_PLACEHOLDER).key, names: c.names })) } } : {}),
        ...(s.http2 ? { http2: {} } : {}),
        backends: s.backends.map((b) => ({ id: b.id, address: hostPort(b), weight: b.weight })),
      },
    ],
  };
}

/** timeouts.{header,response,idle} for the ones the scenario sets (the schema defaults the rest). */
function timeoutsConfig(s: Scenario): { timeouts?: Record<string, number> } {
  const t = s.timeouts;
  if (!t) return {};
  const set = Object.entries({ header: t.headerMs, response: t.responseMs, idle: t.idleMs }).filter((e): e is [string, number] => e[1] !== undefined);
  return set.length ? { timeouts: Object.fromEntries(set) } : {};
}

export function referenceTarget(): Target {
  return {
    name: 'reference',
    capabilities: REFERENCE_CAPABILITIES,
    version: async () => (JSON.parse(await readFile(PACKAGE_JSON, 'utf8')) as { version: string }).version,
    async available() {
      try {
        await access(SERVE_COMMAND);
        return { ok: true };
      } catch {
        return { ok: false, reason: `the reference balancer's serve command (${SERVE_COMMAND}) is not there` };
      }
    },
    render(scenario: Scenario): TargetLaunch {
      if (scenario.lvs) return renderLvs(scenario);
      return {
        files: [{ path: 'lb.yaml', content: stringify(referenceConfig(scenario)) }, ...tlsFiles(scenario)],
        command: [process.execPath, FULCRUM_BIN, 'serve', '--config', '{{dir}}/lb.yaml'],
        ...(scenario.mode === 'udp' ? { readyWhen: scenario.admin ? { tcp: scenario.admin } : { delayMs: 1500 } } : {}),
      };
    },
  };
}
