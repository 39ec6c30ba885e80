export { HttpProxy } from './proxy.ts';
export type { HttpProxyOptions } from './proxy.ts';
export {
  upstreamRequestHeaders,
  downstreamResponseHeaders,
  upgradeRequestHeaders,
  forwardedNode,
  unmapAddress,
} from './headers.ts';
export { rawResponseHead } from './raw-reply.ts';
export { inspectRequestHead } from './request-head.ts';
export type { RequestLimits, BodyFraming, HeadVerdict } from './request-head.ts';
