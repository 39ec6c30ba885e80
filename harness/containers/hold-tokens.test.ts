// Client containers hold a request each on the same backend; releasing one by its token must
// release that one only. Each client agent is a process in a container of its own, so the old
// token `h<counter>-<pid>` repeated whenever two agents got the same pid: with three clients here,
// two agents ran as pid 8 and both first holds were "h1-8", so one release freed two holds.
import { describe, expect, it } from 'vitest';
import { resolveTarget } from '../targets/registry.ts';
import { containersDriver } from './driver.ts';

describe('hold tokens across client containers', { timeout: 240_000 }, () => {
  it("a release by token frees only that client container's held request", async () => {
    const target = await resolveTarget('reference');
    await using topology = await containersDriver.start({ target, plan: { mode: 'http', algorithm: { name: 'rr' }, backends: [{ id: 'b1', weight: 1 }] }, clients: 3 }, { log: () => {} });
    const held = [];
    try {
      for (const client of topology.clients) held.push(await client.holdHttp());
      const tokens = held.map((h) => h.token);
      expect(new Set(tokens).size, JSON.stringify(tokens)).toBe(3);
      const backend = topology.backend('b1');
      expect((await backend.snapshot()).active.http).toBe(3);
      for (const [i, h] of held.entries()) {
        expect(await backend.release?.(h.token), `release ${h.token}`).toBe(1);
        await h.ended?.();
        expect((await backend.snapshot()).active.http).toBe(2 - i);
      }
    } finally {
      await Promise.all(held.map((h) => h.close()));
    }
  });
});
