import { describe, expect, it } from 'vitest';
import { seededRng } from '../rng.ts';
import { EventHeap } from './heap.ts';

describe('EventHeap', () => {
  it('pops in time order, growing past its first capacity', () => {
    const rng = seededRng(5);
    const heap = new EventHeap(2);
    const times = Array.from({ length: 5000 }, () => Math.floor(rng() * 1000) / 10);
    times.forEach((t, i) => heap.push(t, i));
    expect(heap.size).toBe(5000);
    const out: number[] = [];
    while (heap.size > 0) {
      const t = heap.peekTime();
      const p = heap.pop();
      expect(times[p]).toBe(t);
      out.push(t);
    }
    expect(out).toEqual([...times].sort((a, b) => a - b));
    expect(heap.pop()).toBe(-1);
    expect(heap.peekTime()).toBe(Infinity);
  });

  it('gives events at the same time back in the order they were pushed (runs repeat exactly)', () => {
    const heap = new EventHeap();
    for (let i = 0; i < 100; i++) heap.push(i % 3, i);
    const order: number[] = [];
    while (heap.size > 0) order.push(heap.pop());
    const expected = [0, 1, 2].flatMap((t) => Array.from({ length: 100 }, (_, i) => i).filter((i) => i % 3 === t));
    expect(order).toEqual(expected);
  });

  it('interleaves pushes and pops like a sorted list would', () => {
    const rng = seededRng(8);
    const heap = new EventHeap(4);
    const model: { t: number; p: number }[] = [];
    let seq = 0;
    for (let step = 0; step < 20_000; step++) {
      if (model.length === 0 || rng() < 0.55) {
        const t = Math.floor(rng() * 50);
        heap.push(t, seq);
        model.push({ t, p: seq++ });
        model.sort((a, b) => a.t - b.t || a.p - b.p);
      } else {
        expect(heap.pop()).toBe((model.shift() as { p: number }).p);
      }
    }
  });
});
