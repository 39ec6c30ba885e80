import { describe, expect, it } from 'vitest';
import type { BackendView, Scheduler, WorkResult } from '../algorithms/types.ts';
import { Pool, PoolError } from './pool.ts';
import { fixedClock, testRoundRobin } from './test-support.ts';

const specs = [
  { id: 'b1', host: '127.30.0.1', port: 8001, weight: 1 },
  { id: 'b2', host: '127.30.0.2', port: 8002, weight: 2 },
  { id: 'b3', host: '::1', port: 8003, weight: 1 },
];

describe('Pool', () => {
  it('counts active work per lease and releases exactly once', () => {
    const pool = new Pool(specs, testRoundRobin(), () => 0);
    const a = pool.acquire(fixedClock)!;
    const b = pool.acquire(fixedClock)!;
    const c = pool.acquire(fixedClock)!;
    expect([a.backend.id, b.backend.id, c.backend.id]).toEqual(['b1', 'b2', 'b3']);
    const a2 = pool.acquire(fixedClock)!;
    expect(a2.backend.id).toBe('b1');
    expect(pool.get('b1')!.active).toBe(2);
    a.release({ ok: true });
    a.release({ ok: false }); // second release is ignored
    expect(pool.get('b1')!.active).toBe(1);
    expect(pool.get('b1')!.failures).toBe(0);
    a2.release({ ok: false });
    expect(pool.get('b1')!.active).toBe(0);
    expect(pool.get('b1')!.failures).toBe(1);
    expect(pool.get('b1')!.requests).toBe(2);
    b.release({ ok: true });
    c.release({ ok: true });
    expect(pool.backends.map((x) => x.active)).toEqual([0, 0, 0]);
  });

  it('updates the scheduler on every change of usability, weight and set, and only then', () => {
    const sched = testRoundRobin();
    const pool = new Pool(specs, sched, () => 0);
    expect(sched.updates).toBe(1);
    pool.setHealthy('b1', true); // no change
    expect(sched.updates).toBe(1);
    pool.setHealthy('b1', false);
    expect(pool.get('b1')!.usable).toBe(false);
    expect(pool.get('b1')!.state).toBe('down');
    pool.setDraining('b2', true);
    expect(pool.get('b2')!.state).toBe('draining');
    expect(pool.get('b2')!.usable).toBe(false);
    pool.setWeight('b3', 5);
    pool.add({ id: 'b4', host: '127.30.0.4', port: 8004, weight: 1 });
    pool.remove('b4');
    expect(sched.updates).toBe(6);
    expect(() => pool.setWeight('b3', -1)).toThrow(PoolError);
    expect(() => pool.setHealthy('nope', true)).toThrow(/no backend nope/);
  });

  it('gives no work to unusable backends and returns undefined when none is usable', () => {
    const pool = new Pool(specs, testRoundRobin(), () => 0);
    pool.setHealthy('b1', false);
    pool.setDraining('b3', true);
    for (let i = 0; i < 5; i++) expect(pool.acquire(fixedClock)!.backend.id).toBe('b2');
    pool.setHealthy('b2', false);
    expect(pool.acquire(fixedClock)).toBeUndefined();
    pool.setHealthy('b1', true);
    expect(pool.acquire(fixedClock)!.backend.id).toBe('b1');
  });

  it('refuses a pick that a scheduler returns although it is not usable', () => {
    const views: BackendView[] = [];
    const careless: Scheduler = {
      name: 'careless',
      update: (b) => void views.splice(0, views.length, ...b),
      pick: () => views[0],
    };
    const pool = new Pool(specs, careless, () => 0);
    pool.setHealthy('b1', false);
    expect(pool.acquire(fixedClock)).toBeUndefined();
    expect(pool.get('b1')!.requests).toBe(0);
  });

  it('reports latency and outcome to learning schedulers', () => {
    let t = 100;
    const seen: Array<[string, WorkResult]> = [];
    const sched = { ...testRoundRobin(), done: (b: BackendView, r: WorkResult) => void seen.push([b.id, r]) };
    const pool = new Pool(specs, sched, () => t);
    const lease = pool.acquire(fixedClock)!;
    t = 142;
    lease.release({ ok: false });
    expect(seen).toEqual([['b1', { latencyMs: 42, ok: false, now: 142 }]]);
  });

  it('formats addresses with IPv6 brackets', () => {
    const pool = new Pool(specs, testRoundRobin(), () => 0);
    expect(pool.backends.map((b) => b.address)).toEqual(['127.30.0.1:8001', '127.30.0.2:8002', '[::1]:8003']);
  });
});
