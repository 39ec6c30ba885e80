// The admin channel over HTTP on loopback, driving a real engine (no packet sockets).
import { afterEach, describe, expect, it } from 'vitest';
import { startAdmin, type AdminServer, type AdminTarget } from './admin.ts';
import { parseLvsConfig } from '../config/lvs.ts';
import { LvsEngine } from './engine.ts';
import { parseMac } from './packet/ethernet.ts';
import { parseIPv4 } from './packet/ipv4.ts';

const link = { name: 'lo0', mac: parseMac('02:00:00:00:00:02'), ipv4: parseIPv4('198.19.1.2') };

function engineFor(removedServer: 'expire' | 'reschedule' = 'expire'): LvsEngine {
  const config = parseLvsConfig(
    {
      interfaces: { outside: 'lo0' },
      conntrack: { removedServer },
      services: [
        { name: 'web', mode: 'nat', vip: '198.19.1.100', port: 80, algorithm: 'wlc', health: { type: 'tcp' }, backends: [{ id: 'rs1', address: '198.19.2.11:8080' }, { id: 'rs2', address: '198.19.2.12:8080', weight: 2 }] },
        { name: 'dr', mode: 'dr', vip: '198.19.1.101', port: 443, backends: [{ id: 'a', address: '198.19.1.21' }] },
      ],
      admin: { listen: '127.0.0.1:0' },
    },
    'test',
  );
  return new LvsEngine(config, [link, link], { now: () => 0, rng: () => 0 });
}

function targetFor(engine: LvsEngine): AdminTarget {
  return {
    stats: () => ({ engine: engine.stats, sendFailures: 0 }),
    describe: () => engine.describe(),
    putServer: (s, id, change) => engine.putServer(s, id, change),
    removeServer: (s, id) => engine.removeServer(s, id),
  };
}

let admin: AdminServer | undefined;
afterEach(async () => {
  await admin?.close();
  admin = undefined;
});

async function start(target: AdminTarget) {
  const log: string[] = [];
  admin = await startAdmin(target, { host: '127.0.0.1', port: 0 }, (l) => log.push(l));
  const call = async (method: string, path: string, body?: unknown) => {
    const res = await fetch(`http://${admin!.address}${path}`, { method, body: body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body) });
    return { status: res.status, allow: res.headers.get('allow'), type: res.headers.get('content-type'), json: (await res.json()) as Record<string, unknown> };
  };
  return { call, log };
}

describe('LVS admin channel (HTTP on loopback)', () => {
  it('listens where asked and reports host:port', async () => {
    await start(targetFor(engineFor()));
    expect(admin!.address).toMatch(/^127\.0\.0\.1:\d+$/);
  });

  it('GET /stats and GET /services', async () => {
    const { call } = await start(targetFor(engineFor()));
    const stats = await call('GET', '/stats');
    expect(stats).toMatchObject({ status: 200, type: 'application/json', json: { engine: { received: 0, flows: 0 }, sendFailures: 0 } });
    const services = await call('GET', '/services');
    expect(services.status).toBe(200);
    expect(services.json).toEqual([
      {
        name: 'web',
        mode: 'nat',
        vip: '198.19.1.100',
        port: 80,
        protocol: 'tcp',
        algorithm: { name: 'wlc' },
        backends: [
          { id: 'rs1', address: '198.19.2.11:8080', weight: 1, usable: true, health: 'up', mac: null, activeFlows: 0, totalFlows: 0 },
          { id: 'rs2', address: '198.19.2.12:8080', weight: 2, usable: true, health: 'up', mac: null, activeFlows: 0, totalFlows: 0 },
        ],
      },
      // no health checks: no health field
      { name: 'dr', mode: 'dr', vip: '198.19.1.101', port: 443, protocol: 'tcp', algorithm: { name: 'rr' }, backends: [{ id: 'a', address: '198.19.1.21', weight: 1, usable: true, mac: null, activeFlows: 0, totalFlows: 0 }] },
    ]);
  });

  it('PUT adds (201) and changes the weight (200, 0 quiesces); DELETE removes; one log line per change', async () => {
    const engine = engineFor();
    const { call, log } = await start(targetFor(engine));
    const added = await call('PUT', '/services/web/backends/rs3', { address: '198.19.2.13:9090', weight: 3 });
    expect(added).toMatchObject({ status: 201, json: { service: 'web', added: true, backend: { id: 'rs3', address: '198.19.2.13:9090', weight: 3, usable: false, mac: null } } });
    expect(engine.filterAddresses().sources).toContain(parseIPv4('198.19.2.13'));
    const quiesced = await call('PUT', '/services/web/backends/rs1', { weight: 0 });
    expect(quiesced).toMatchObject({ status: 200, json: { service: 'web', added: false, previousWeight: 1, backend: { id: 'rs1', weight: 0, usable: true } } });
    // The same address is accepted for a change; weight defaults to 1 as in the config (PUT describes the server).
    expect(await call('PUT', '/services/web/backends/rs1', { address: '198.19.2.11:8080' })).toMatchObject({ status: 200, json: { previousWeight: 0, backend: { weight: 1 } } });
    expect(await call('DELETE', '/services/web/backends/rs2')).toEqual({ status: 200, allow: null, type: 'application/json', json: { service: 'web', removed: 'rs2', policy: 'expire', flows: 0 } });
    expect(engine.serverList('web').map((s) => s.id)).toEqual(['rs1', 'rs3']);
    expect(log).toEqual([
      'lvs admin: web/rs3 added (198.19.2.13:9090, weight 3, no flows until its MAC is known)',
      'lvs admin: web/rs1 weight 1 → 0 (quiesced: its flows continue, no new ones)',
      'lvs admin: web/rs1 weight 0 → 1',
      'lvs admin: web/rs2 removed (0 flows expired)',
    ]);
  });

  it('404: unknown endpoint, service or real server', async () => {
    const { call, log } = await start(targetFor(engineFor()));
    expect(await call('GET', '/nope')).toMatchObject({ status: 404, json: { code: 'FULCRUM_ERR_LVS_ADMIN_NOT_FOUND' } });
    expect(await call('GET', '/services/web')).toMatchObject({ status: 404 });
    expect(await call('PUT', '/services/nope/backends/x', { address: '198.19.2.13' })).toMatchObject({ status: 404, json: { error: 'no service "nope"', code: 'FULCRUM_ERR_LVS_UNKNOWN_SERVICE' } });
    expect(await call('DELETE', '/services/nope/backends/rs1')).toMatchObject({ status: 404, json: { code: 'FULCRUM_ERR_LVS_UNKNOWN_SERVICE' } });
    expect(await call('DELETE', '/services/web/backends/rs9')).toMatchObject({ status: 404, json: { error: 'service "web" has no real server "rs9"', code: 'FULCRUM_ERR_LVS_UNKNOWN_SERVER' } });
    expect(log).toEqual([]);
  });

  it('400 names the field: bad JSON, values, unknown fields, a missing or different address, a port DR cannot use, a bad id', async () => {
    const engine = engineFor();
    const { call, log } = await start(targetFor(engine));
    const error = async (path: string, body: unknown) => {
      const r = await call('PUT', path, body);
      expect(r.status, JSON.stringify(r.json)).toBe(400);
      return r.json.error as string;
    };
    expect(await error('/services/web/backends/rs3', '{"address": ')).toMatch(/^body: not valid JSON/);
    expect(await error('/services/web/backends/rs3', '')).toMatch(/^body: not valid JSON/);
    expect(await error('/services/web/backends/rs3', [1])).toMatch(/^body: /);
    expect(await error('/services/web/backends/rs3', { address: '198.19.2.300' })).toMatch(/^address: "198.19.2.300" is not an IPv4 address/);
    expect(await error('/services/web/backends/rs3', { address: '198.19.2.13', weight: -1 })).toMatch(/^weight: /);
    expect(await error('/services/web/backends/rs3', { address: '198.19.2.13', weight: 'heavy' })).toMatch(/^weight: /);
    expect(await error('/services/web/backends/rs3', { address: '198.19.2.13', colour: 'red' })).toMatch(/^body: .*"colour"/);
    expect(await error('/services/web/backends/rs3', { weight: 1 })).toBe('address: is required to add a real server');
    expect(await error('/services/web/backends/rs1', { address: '198.19.2.99:8080' })).toMatch(/^address: real server "rs1" is 198\.19\.2\.11:8080/);
    expect(await error('/services/dr/backends/b', { address: '198.19.1.22:80' })).toMatch(/^address: DR cannot change the port/);
    expect(await error('/services/web/backends/a%20b', { address: '198.19.2.13' })).toMatch(/^id: /);
    expect(await error('/services/web/backends/rs3', 'x'.repeat(70_000))).toMatch(/^body: larger than/);
    expect(engine.serverList('web').map((s) => s.id)).toEqual(['rs1', 'rs2']);
    expect(log).toEqual([]);
  });

  it('405 with Allow for other methods', async () => {
    const { call } = await start(targetFor(engineFor()));
    expect(await call('POST', '/stats', {})).toMatchObject({ status: 405, allow: 'GET', json: { code: 'FULCRUM_ERR_LVS_ADMIN_METHOD' } });
    expect(await call('DELETE', '/services')).toMatchObject({ status: 405, allow: 'GET' });
    expect(await call('GET', '/services/web/backends/rs1')).toMatchObject({ status: 405, allow: 'PUT, DELETE' });
    expect(await call('POST', '/services/web/backends/rs1', {})).toMatchObject({ status: 405, allow: 'PUT, DELETE' });
  });

  it('500 (logged) when the target fails unexpectedly; the channel keeps serving', async () => {
    const target = targetFor(engineFor());
    const failing: AdminTarget = {
      ...target,
      describe: () => {
        throw new Error('boom');
      },
    };
    const { call, log } = await start(failing);
    expect(await call('GET', '/services')).toMatchObject({ status: 500, json: { error: 'boom', code: 'FULCRUM_ERR_LVS_ADMIN_INTERNAL' } });
    expect(log).toEqual([expect.stringMatching(/^lvs admin: GET \/services failed: Error: boom/)]);
    expect(await call('GET', '/stats')).toMatchObject({ status: 200 });
  });

  it('DELETE reports flows left to reschedule under removedServer: reschedule', async () => {
    const { call, log } = await start(targetFor(engineFor('reschedule')));
    expect(await call('DELETE', '/services/dr/backends/a')).toMatchObject({ status: 200, json: { policy: 'reschedule', flows: 0 } });
    expect(log).toEqual(['lvs admin: dr/a removed (0 flows rescheduled on their next packet)']);
  });
});
