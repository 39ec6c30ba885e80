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
