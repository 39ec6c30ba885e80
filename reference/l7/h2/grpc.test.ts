import { describe, expect, it } from 'vitest';
import { grpcStatusForHttp, isGrpc, parseGrpcTimeout, trailersOnly } from './grpc.ts';

describe('grpc-timeout', () => {
  it('reads every unit', () => {
    expect(parseGrpcTimeout('1H')).toBe(3_600_000);
    expect(parseGrpcTimeout('2M')).toBe(120_000);
    expect(parseGrpcTimeout('3S')).toBe(3000);
    expect(parseGrpcTimeout('250m')).toBe(250);
    expect(parseGrpcTimeout('1500u')).toBe(1.5);
    expect(parseGrpcTimeout('2000000n')).toBe(2);
  });
  it('ignores what is not one (more than 8 digits, no unit, absent)', () => {
    expect(parseGrpcTimeout('123456789m')).toBeUndefined();
    expect(parseGrpcTimeout('100')).toBeUndefined();
    expect(parseGrpcTimeout(undefined)).toBeUndefined();
    expect(parseGrpcTimeout(['1S'])).toBeUndefined();
  });
});

describe('grpc helpers', () => {
  it('knows a gRPC content-type', () => {
    expect(isGrpc('application/grpc')).toBe(true);
    expect(isGrpc('application/grpc+proto')).toBe(true);
    expect(isGrpc('application/grpc-web')).toBe(false);
    expect(isGrpc('text/plain')).toBe(false);
  });
  it('maps HTTP statuses as gRPC does', () => {
    expect(grpcStatusForHttp(503)).toBe(14);
    expect(grpcStatusForHttp(502)).toBe(14);
    expect(grpcStatusForHttp(404)).toBe(12);
    expect(grpcStatusForHttp(500)).toBe(2);
  });
  it('builds a trailers-only head with a percent-encoded message', () => {
    expect(trailersOnly(4, 'deadline 50 ms')).toEqual({ ':status': 200, 'content-type': 'application/grpc', 'grpc-status': '4', 'grpc-message': 'deadline%2050%20ms' });
  });
});
