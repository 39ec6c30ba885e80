export { HttpProxy } from './proxy.ts';
export type { HttpProxyOptions, HttpLimits } from './proxy.ts';
export {
  upstreamRequestHeaders,
  downstreamResponseHeaders,
  upgradeRequestHeaders,
  forwardedNode,
  unmapAddress,
} from './headers.ts';
export { rawResponseHead, relayedResponseHead } from './raw-reply.ts';
// the strict head check, pure (the fuzzer drives it with llhttp's heads)
export { inspectRequestHead } from './request-head.ts';
export type { RequestLimits, RequestHead, HeadVerdict, BodyFraming } from './request-head.ts';
// HTTP/2 (h2c, h2 over TLS with SNI and ALPN) and gRPC in front of the HTTP/1.1 proxy
export { H2Front } from './h2/front.ts';
export type { H2FrontOptions } from './h2/front.ts';
export { TlsConfigError } from './h2/tls.ts';
export { parseGrpcTimeout } from './h2/grpc.ts';
