import { describe, expect, it } from 'vitest';
import { parseLvsConfig } from '../config/lvs.ts';
import { LvsEngine } from './engine.ts';
import { LvsHealth } from './health.ts';

function setup() {
  const config = parseLvsConfig(
    {
      interfaces: { outside: 'eth0' },
      services: [
        {
          name: 'web',
          mode: 'dr',
          vip: '198.19.1.100',
          port: 80,
          health: { type: 'tcp', rise: 2, fall: 2, interval: 1000 },
          backends: [
            { id: 'rs1', address: '198.19.1.11' },
            { id: 'rs2', address: '198.19.1.12' },
          ],
        },
      ],
    },
    'test',
  );
  const link = { name: 'eth0', mac: new Uint8Array(6), ipv4: 1 };
  const engine = new LvsEngine(config, [link, link], { now: () => 0, rng: () => 0 });
  const down = new Set<string>();
  const probed: string[] = [];
  const log: string[] = [];
  /** Runs while a probe is in flight (the admin channel changing servers mid-round). */
  const during: { hook?: () => void } = {};
  const health = new LvsHealth(engine, config.services, (l) => log.push(l), () => async (t) => {
    probed.push(`${t.host}:${t.port}`);
    await Promise.resolve();
    during.hook?.();
    return down.has(t.host) ? { ok: false, detail: 'connect ECONNREFUSED' } : { ok: true, detail: 'connect ok' };
  });
  return { engine, health, down, probed, log, during };
}

describe('LVS health checks', () => {
  it("probe each real server's own address on the service port", async () => {
    const { health, probed } = setup();
    await health.round();
    expect(probed.sort()).toEqual(['198.19.1.11:80', '198.19.1.12:80']);
  });

  it('take a server out after `fall` failures and back after `rise` successes', async () => {
    const { engine, health, down, log } = setup();
    const rs1 = () => engine.serverList('web').find((s) => s.id === 'rs1')!;
    down.add('198.19.1.11');
    await health.round();
    expect(rs1().usable).toBe(true);
    await health.round();
    expect(rs1().usable).toBe(false);
    expect(log).toEqual(['health: listener web backend rs1 DOWN after 2 failures (connect ECONNREFUSED)']);
    down.clear();
    await health.round();
    expect(rs1().usable).toBe(false);
    await health.round();
    expect(rs1().usable).toBe(true);
  });

  it('probe servers added at runtime from the next round on, forget removed ones (even mid-probe)', async () => {
    const { engine, health, down, probed, log, during } = setup();
    engine.addServer('web', { id: 'rs3', address: { ip: 0xc613010d, port: undefined }, weight: 1 });
    down.add('198.19.1.11');
    await health.round();
    // rs1's second failure would take it DOWN, but it is removed while that probe runs.
    during.hook = () => {
      if (engine.serverList('web').some((s) => s.id === 'rs1')) engine.removeServer('web', 'rs1');
    };
    await health.round();
    await health.round();
    expect(probed.filter((p) => p === '198.19.1.11:80')).toHaveLength(2);
    expect(probed.filter((p) => p === '198.19.1.13:80')).toHaveLength(3);
    expect(log).toEqual([]);
    // Added again under the same id: a new server, starting UP with fresh counts.
    during.hook = undefined;
    engine.addServer('web', { id: 'rs1', address: { ip: 0xc613010b, port: undefined }, weight: 1 });
    await health.round();
    expect(engine.serverList('web').find((s) => s.id === 'rs1')!.healthy).toBe(true);
    await health.round();
    expect(log).toEqual(['health: listener web backend rs1 DOWN after 2 failures (connect ECONNREFUSED)']);
  });

  it('needs a health port when the service covers every port', () => {
    expect(() =>
      parseLvsConfig(
        { interfaces: { outside: 'eth0' }, services: [{ name: 'a', mode: 'dr', vip: '198.19.1.1', port: 0, protocol: 'any', health: { type: 'tcp' }, backends: [{ id: 'x', address: '198.19.1.2' }] }] },
        'test',
      ),
    ).toThrow(/services\[0\]\.health\.port: is needed/);
  });
});
