import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { ConnTable, STATE_TCP_CLOSED, STATE_TCP_ESTABLISHED, STATE_TCP_FIN, STATE_TCP_SYN, STATE_UDP } from './conntrack.ts';

const T = { tcpEstablished: 900_000, tcpTransient: 60_000, tcpClosed: 10_000, udp: 300_000, other: 100_000 };
const VIP = 0xc6130164;

describe('connection table', () => {
  it('finds flows forward and backward, and counts them per server', () => {
    const t = new ConnTable(8, T);
    const e = t.add(6, 0x0a000001, 40000, VIP, 80, 3, 0xc613020b, 8080, 0);
    expect(t.find(6, 0x0a000001, 40000, VIP, 80)).toBe(e);
    expect(t.find(17, 0x0a000001, 40000, VIP, 80)).toBe(-1);
    expect(t.find(6, 0x0a000001, 40001, VIP, 80)).toBe(-1);
    expect(t.findReverse(6, 0xc613020b, 8080, 0x0a000001, 40000)).toBe(e);
    expect(t.perServer[3]).toBe(1);
    t.remove(e);
    expect(t.find(6, 0x0a000001, 40000, VIP, 80)).toBe(-1);
    expect(t.findReverse(6, 0xc613020b, 8080, 0x0a000001, 40000)).toBe(-1);
    expect(t.perServer[3]).toBe(0);
    expect(t.size).toBe(0);
  });

  it('follows TCP state: short timeouts for SYN/FIN/RST, long once established', () => {
    const t = new ConnTable(4, T);
    const e = t.add(6, 1, 1, VIP, 80, 0, 2, 80, 1000);
    expect(t.state(e)).toBe(STATE_TCP_SYN);
    expect(t.expiresAt(e)).toBe(1000 + T.tcpTransient);
    t.observe(e, 0x10, 2000);
    expect(t.state(e)).toBe(STATE_TCP_ESTABLISHED);
    expect(t.expiresAt(e)).toBe(2000 + T.tcpEstablished);
    t.observe(e, 0x11, 3000);
    expect(t.state(e)).toBe(STATE_TCP_FIN);
    expect(t.expiresAt(e)).toBe(3000 + T.tcpTransient);
    t.observe(e, 0x04, 4000);
    expect(t.state(e)).toBe(STATE_TCP_CLOSED);
    expect(t.expiresAt(e)).toBe(4000 + T.tcpClosed);
    expect(t.expireIfDue(e, 4000 + T.tcpClosed - 1)).toBe(false);
    expect(t.expireIfDue(e, 4000 + T.tcpClosed)).toBe(true);
    expect(t.counters.expired).toBe(1);
  });

  it('gives UDP its idle timeout, refreshed by each packet', () => {
    const t = new ConnTable(4, T);
    const e = t.add(17, 1, 1, VIP, 53, 0, 2, 53, 0);
    expect(t.state(e)).toBe(STATE_UDP);
    t.observe(e, 0, 50_000);
    expect(t.expiresAt(e)).toBe(350_000);
  });

  it('refuses new flows when full and counts it', () => {
    const t = new ConnTable(2, T);
    expect(t.add(17, 1, 1, VIP, 53, 0, 2, 53, 0)).toBeGreaterThanOrEqual(0);
    expect(t.add(17, 1, 2, VIP, 53, 0, 2, 53, 0)).toBeGreaterThanOrEqual(0);
    expect(t.add(17, 1, 3, VIP, 53, 0, 2, 53, 0)).toBe(-1);
    expect(t.counters.full).toBe(1);
  });

  it('sweeps expired flows a slice at a time', () => {
    const t = new ConnTable(100, T);
    for (let i = 0; i < 100; i++) t.add(17, 1, i, VIP, 53, 0, 2, 53, i < 50 ? 0 : 1_000_000);
    let removed = 0;
    for (let round = 0; round < 10; round++) removed += t.sweep(T.udp + 1, 10);
    expect(removed).toBe(50);
    expect(t.size).toBe(50);
  });

  it('reassigns a flow to another server and keeps the reverse index right', () => {
    const t = new ConnTable(4, T);
    const e = t.add(6, 1, 1000, VIP, 80, 0, 0x0b, 80, 0);
    t.reassign(e, 1, 0x0c, 8080);
    expect(t.findReverse(6, 0x0b, 80, 1, 1000)).toBe(-1);
    expect(t.findReverse(6, 0x0c, 8080, 1, 1000)).toBe(e);
    expect([t.perServer[0], t.perServer[1]]).toEqual([0, 1]);
    expect(t.flowsOf(1)).toEqual([e]);
  });

  it('agrees with a Map model under random adds and removes (backward-shift deletion is correct)', () => {
    fc.assert(
      fc.property(fc.array(fc.tuple(fc.boolean(), fc.nat({ max: 40 })), { maxLength: 300 }), (ops) => {
        const t = new ConnTable(64, T);
        const model = new Map<number, number>();
        for (const [add, port] of ops) {
          if (add && !model.has(port)) {
            const e = t.add(17, 7, port, VIP, 53, port % 3, 9, port, 0);
            if (e >= 0) model.set(port, e);
          } else if (!add && model.has(port)) {
            t.remove(model.get(port)!);
            model.delete(port);
          }
        }
        for (let port = 0; port <= 40; port++) {
          expect(t.find(17, 7, port, VIP, 53)).toBe(model.get(port) ?? -1);
          expect(t.findReverse(17, 9, port, 7, port)).toBe(model.get(port) ?? -1);
        }
        expect(t.size).toBe(model.size);
      }),
    );
  });
});
