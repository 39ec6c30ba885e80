import { describe, expect, it } from 'vitest';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Pool } from '../pool/index.ts';
import { testRoundRobin } from '../pool/test-support.ts';
import { HealthChecker } from './checker.ts';
import type { HealthConfig } from '../config/schema.ts';

async function until(cond: () => boolean, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!cond()) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((r) => setTimeout(r, 10));
  }
}

describe('HealthChecker', () => {
  it('takes a failing http backend DOWN after `fall` checks, UP after `rise`, and logs both', async () => {
    let status = 200;
    const server = createServer((_req, res) => {
      res.statusCode = status;
      res.end();
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    const port = (server.address() as AddressInfo).port;
    const pool = new Pool(
      [
        { id: 'b1', host: '127.0.0.1', port, weight: 1 },
        { id: 'b2', host: '127.0.0.1', port, weight: 1 },
      ],
      testRoundRobin(),
      () => 0,
    );
    const lines: string[] = [];
    const config: HealthConfig = { type: 'http', path: '/healthz', interval: 30, timeout: 500, rise: 2, fall: 3 };
    const checker = new HealthChecker({ listener: 'web', pool, config, log: (l) => lines.push(l) });
    try {
      checker.start();
      await until(() => pool.get('b1')!.lastCheck !== undefined, 5000);
      expect(pool.get('b1')!.lastCheck).toMatchObject({ ok: true, detail: 'http 200' });
      expect(lines).toEqual([]);
      status = 500;
      await until(() => !pool.get('b1')!.usable && !pool.get('b2')!.usable, 5000);
      expect(lines.sort()).toEqual([
        'health: listener web backend b1 DOWN after 3 failures (http 500)',
        'health: listener web backend b2 DOWN after 3 failures (http 500)',
      ]);
      status = 204;
      await until(() => pool.get('b1')!.usable && pool.get('b2')!.usable, 5000);
      expect(lines.slice(2).sort()).toEqual([
        'health: listener web backend b1 UP after 2 successes (http 204)',
        'health: listener web backend b2 UP after 2 successes (http 204)',
      ]);
    } finally {
      await checker.stop();
      server.closeAllConnections();
      server.close();
    }
  });

  it('stop() ends scheduling: no checks run afterwards', async () => {
    let calls = 0;
    const pool = new Pool([{ id: 'b1', host: '127.0.0.1', port: 1, weight: 1 }], testRoundRobin(), () => 0);
    const config: HealthConfig = { type: 'tcp', path: '/', interval: 10, timeout: 100, rise: 1, fall: 1 };
    const checker = new HealthChecker({
      listener: 'l',
      pool,
      config,
      log: () => {},
      probe: async () => {
        calls++;
        return { ok: true, detail: 'fake' };
      },
    });
    checker.start();
    await until(() => calls >= 3, 5000);
    await checker.stop();
    const after = calls;
    await new Promise((r) => setTimeout(r, 60));
    expect(calls).toBe(after);
  });
});
