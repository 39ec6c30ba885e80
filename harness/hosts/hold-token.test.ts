import { describe, expect, it } from 'vitest';
import { holdTokenSource } from './hold-token.ts';

describe('hold tokens', () => {
  it('two client containers whose agents have the same pid get different tokens', () => {
    // The old token was `h<counter>-<pid>`: two containers' agents both ran as pid 8 and both
    // counted from 1, so their first holds shared a token and a release by token freed both.
    const oldToken = (counter: number, pid: number) => `h${counter}-${pid}`;
    expect(oldToken(1, 8)).toBe(oldToken(1, 8));
    const a = holdTokenSource('198.18.1.10');
    const b = holdTokenSource('198.18.1.11');
    const fromA = Array.from({ length: 50 }, a);
    const fromB = Array.from({ length: 50 }, b);
    expect(new Set([...fromA, ...fromB]).size).toBe(100);
  });

  it('the same address in two processes (two runs) differs by the nonce', () => {
    const first = holdTokenSource('127.10.0.1');
    const second = holdTokenSource('127.10.0.1');
    expect(first()).not.toBe(second());
  });

  it('tokens are URL-safe, also for IPv6 addresses', () => {
    const token = holdTokenSource('::1', 'abc')();
    expect(token).toBe('h1-__1-abc');
    expect(encodeURIComponent(token)).toBe(token);
  });
});
