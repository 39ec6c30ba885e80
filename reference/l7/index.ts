export { HttpProxy } from './proxy.ts';
export type { HttpProxyOptions, HttpLimits } from './proxy.ts';
export {
  upstreamRequestHeaders,
  downstreamResponseHeaders,
  upgradeRequestHeaders,
  forwardedNode,
  unmapAddress,
} from './headers.ts';
export { rawResponseHead } from './raw-reply.ts';
export type { RequestLimits } from './request-head.ts';
