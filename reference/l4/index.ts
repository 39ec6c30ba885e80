export { TcpProxy } from './tcp.ts';
export type { TcpProxyOptions } from './tcp.ts';
export { UdpProxy } from './udp.ts';
export type { UdpProxyOptions } from './udp.ts';
export { proxyHeaderV1, proxyHeaderV2, V2_SIGNATURE } from './proxy-header.ts';
export type { ProxiedEndpoints } from './proxy-header.ts';
