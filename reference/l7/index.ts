export { HttpProxy } from './proxy.ts';
export type { HttpProxyOptions } from './proxy.ts';
export {
  upstreamRequestHeaders,
  downstreamResponseHeaders,
  upgradeRequestHeaders,
  rawResponseHead,
  forwardedNode,
  unmapAddress,
  requestHasBody,
} from './headers.ts';
