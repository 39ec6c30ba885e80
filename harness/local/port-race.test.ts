// Free-port races: a port found by binding 0 and closing could be taken by someone else before the
// balancer or an agent bound it. Ports now come from a reserved range held by a file per port, and a
// start whose balancer or agent finds its port taken (detected from its own failure, or a listener
// that is not the balancer's) is done again on other ports, saying so. These tests take the port
// in the window on purpose; with START_ATTEMPTS = 1 (the old behaviour: one pick, no second start)
// the first two fail.
import { describe, expect, it } from 'vitest';
import { createServer, type Server } from 'node:net';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { liveGroups } from '../hosts/index.ts';
import { AddressInUseError, START_ATTEMPTS, startLocal } from './driver.ts';
import { ephemeralLow, PortReservationError, RESERVED_RANGE_LOW, reservePort } from './port-reservations.ts';
import { listenInodes, procNetAddress } from './listener-owner.ts';
import { resolveTarget } from '../targets/registry.ts';
import { tinyTarget } from './fixtures/tiny-target.ts';
import { commandExists } from '../targets/commands.ts';
import type { Endpoint, ScenarioPlan } from '../types.ts';

const HAVE_HAPROXY = await commandExists('haproxy');
const plan: ScenarioPlan = { mode: 'http', algorithm: { name: 'rr' }, backends: [1, 2].map((i) => ({ id: `b${i}`, weight: 1 })) };

/** Another program: a plain listener on the endpoint (no SO_REUSEPORT, so the owner cannot share it). */
async function squat(at: Endpoint, squatters: Server[]): Promise<void> {
  const s = createServer((c) => c.destroy());
  await new Promise<void>((r) => s.listen({ host: at.host, port: at.port, exclusive: true }, () => r()));
  squatters.push(s);
}

async function closeAll(servers: Server[]): Promise<void> {
  await Promise.all(servers.map((s) => new Promise((r) => s.close(r))));
}

describe('port reservations (pure-ish: files in a private state dir)', () => {
  it('hands out ports below the ephemeral range, never one a live process holds', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'fulcrum-ports-test-'));
    process.env.FULCRUM_STATE_DIR = dir;
    try {
      const a = await reservePort('127.20.0.1', () => 0.5);
      expect(a.port).toBeGreaterThanOrEqual(RESERVED_RANGE_LOW);
      expect(a.port).toBeLessThan(ephemeralLow());
      // The same pick again: held by a live owner (this process), so not handed out twice.
      await expect(reservePort('127.20.0.1', () => 0.5)).rejects.toBeInstanceOf(PortReservationError);
      const many = await Promise.all(Array.from({ length: 40 }, () => reservePort('127.20.0.1')));
      expect(new Set([a.port, ...many.map((r) => r.port)]).size).toBe(41);
      a.release();
      const again = await reservePort('127.20.0.1', () => 0.5);
      expect(again.port).toBe(a.port);
      for (const r of [again, ...many]) r.release();
    } finally {
      delete process.env.FULCRUM_STATE_DIR;
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('reads LISTEN sockets from /proc/net/tcp text, wildcard included', () => {
    expect(procNetAddress('127.20.0.1', 8080)).toBe('0100147F:1F90');
    const text = [
      '  sl  local_address rem_address   st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode',
      '   0: 0100147F:1F90 00000000:0000 0A 00000000:00000000 00:00000000 00000000     0        0 111 1 0 100 0 0 10 0',
      '   1: 0100147F:1F90 0100000A:D431 01 00000000:00000000 00:00000000 00000000     0        0 222 1 0 100 0 0 10 0',
      '   2: 00000000:1F90 00000000:0000 0A 00000000:00000000 00:00000000 00000000     0        0 333 1 0 100 0 0 10 0',
    ].join('\n');
    expect(listenInodes(text, '127.20.0.1', 8080)).toEqual(['111', '333']);
  });
});

describe('a port taken between choosing and binding', () => {
  it.skipIf(!HAVE_HAPROXY)("the balancer's port: HAProxy fails to bind, the start is redone on another port and says so", async () => {
    const squatters: Server[] = [];
    const log: string[] = [];
    let taken: number | undefined;
    try {
      await using topo = await startLocal(
        { target: await resolveTarget('haproxy'), plan },
        {
          log: (l) => log.push(l),
          afterPortsChosen: async ({ listen }) => {
            if (taken !== undefined) return;
            taken = listen.port;
            await squat(listen, squatters);
          },
        },
      );
      expect(topo.scenario.listen.port).not.toBe(taken);
      expect(log.join('\n')).toMatch(new RegExp(`127\\.20\\.0\\.1:${taken}[^\\n]*; starting again on other ports \\(attempt 2 of ${START_ATTEMPTS}\\)`));
      const r = await topo.clients[0]!.http({ path: '/' });
      expect(r).toMatchObject({ ok: true, status: 200 });
    } finally {
      await closeAll(squatters);
    }
  });

  it("an agent's port: the agent fails to bind, the start is redone and says so", async () => {
    const squatters: Server[] = [];
    const log: string[] = [];
    let first = true;
    try {
      await using topo = await startLocal(
        { target: await resolveTarget('reference'), plan },
        {
          log: (l) => log.push(l),
          afterPortsChosen: async ({ backends }) => {
            if (!first) return;
            first = false;
            await squat(backends[0]!, squatters);
          },
        },
      );
      expect(log.join('\n')).toMatch(/backend b1: 127\.30\.0\.1:\d+ is in use by another program; starting again on other ports \(attempt 2 of 3\)/);
      const r = await topo.clients[0]!.http({ path: '/' });
      expect(r).toMatchObject({ ok: true, status: 200 });
    } finally {
      await closeAll(squatters);
    }
  });

  it('a balancer that stays up silently when it cannot bind: readiness reached the other program, which is caught', async () => {
    // Without the listener check the probe's accept by the squatter counted as "ready".
    const quiet = tinyTarget('quiet-on-bind-error', (sc) => `const s = require('net').createServer((c) => c.end()); s.on('error', () => {}); s.listen(${sc.listen.port}, '${sc.listen.host}'); setInterval(() => {}, 1000)`);
    const squatters: Server[] = [];
    const log: string[] = [];
    let taken: number | undefined;
    try {
      await using topo = await startLocal(
        { target: quiet, plan: { ...plan, mode: 'tcp' } },
        {
          log: (l) => log.push(l),
          afterPortsChosen: async ({ listen }) => {
            if (taken !== undefined) return;
            taken = listen.port;
            await squat(listen, squatters);
          },
        },
      );
      expect(log.join('\n')).toMatch(/accepts, but not through the balancer \(another program holds the port\); starting again on other ports \(attempt 2 of 3\)/);
      expect(topo.scenario.listen.port).not.toBe(taken);
    } finally {
      await closeAll(squatters);
    }
  });

  it('taken on every attempt: gives up after the last one with the reason, nothing left', async () => {
    const squatters: Server[] = [];
    const log: string[] = [];
    try {
      const err = await startLocal({ target: await resolveTarget('reference'), plan }, { log: (l) => log.push(l), afterPortsChosen: ({ listen }) => squat(listen, squatters) }).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(AddressInUseError);
      expect(log.filter((l) => l.includes('starting again'))).toHaveLength(START_ATTEMPTS - 1);
      expect(liveGroups()).toEqual([]);
    } finally {
      await closeAll(squatters);
    }
  });
});
