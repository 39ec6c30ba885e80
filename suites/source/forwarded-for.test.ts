import { describe, expect, it } from 'vitest';
import { lastForwardedFor, lastXff } from './forwarded-for.ts';

describe('forwarded header parsing', () => {
  it('takes the last X-Forwarded-For entry', () => {
    expect(lastXff('198.51.100.7, 127.10.0.1')).toBe('127.10.0.1');
    expect(lastXff('127.10.0.1')).toBe('127.10.0.1');
    expect(lastXff('')).toBeUndefined();
  });

  it("takes the last Forwarded element's for= node, without quotes, brackets or port", () => {
    expect(lastForwardedFor('for=198.51.100.7, for=127.10.0.1;proto=http')).toBe('127.10.0.1');
    expect(lastForwardedFor('proto=http;For="127.10.0.1:40000"')).toBe('127.10.0.1');
    expect(lastForwardedFor('for="[2001:db8::1]:443"')).toBe('2001:db8::1');
    expect(lastForwardedFor('for=127.10.0.1, by=127.20.0.1')).toBeUndefined();
  });
});
