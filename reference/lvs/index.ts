// The LVS packet engine's door: config, engine, runner, the real-server agent and the pure packet helpers others may need.
export { parseLvsConfig, parseLvsConfigText, lvsConfigSchema, type LvsConfig, type LvsServiceConfig, type LvsBackendConfig } from '../config/lvs.ts';
export {
  LvsEngine,
  RealServer,
  UnknownServerError,
  UnknownServiceError,
  DuplicateServerError,
  InvalidServerError,
  type EngineStats,
  type DropReason,
  type Link,
  type ServerChange,
  type PutResult,
  type RemoveResult,
  type ServerView,
  type ServiceView,
} from './engine.ts';
export { LvsRunner, readLink, kernelWarnings, LinkError, type RunnerStats } from './runner.ts';
export { startLvs, type RunningLvs, type StartLvsOptions } from './start.ts';
export { startRsAgent, configureRealServer, realServerSysctls, type RsAgent, type RsAgentOptions } from './rs-agent.ts';
export { ConnTable, DEFAULT_TIMEOUTS, type ConnTimeouts } from './conntrack.ts';
export { native, nativeAvailable, NativeUnavailableError } from './native.ts';
export { parseIPv4, formatIPv4 } from './packet/ipv4.ts';
export { write16 } from './packet/checksum.ts';
export { parseMac, formatMac } from './packet/ethernet.ts';
export { LvsHealth, type HealthTarget } from './health.ts';
export { startAdmin, route as routeAdmin, type AdminTarget, type AdminServer, type AdminReply } from './admin.ts';
// The packet layer and the engine's output queues, for tools that build frames or feed the engine (harness/fuzz).
export { Output } from './output.ts';
export { LINK_INSIDE, LINK_OUTSIDE } from './engine.ts';
export { decapsulate } from './packet/encap.ts';
export { readArp, writeArpFrame, arpRequest, ARP_FRAME_LEN, ARP_REPLY, BROADCAST_MAC } from './packet/arp.ts';
export { checksum } from './packet/checksum.ts';
export { writeIPv4Header, PROTO_TCP, PROTO_UDP, PROTO_ICMP, PROTO_IPIP, PROTO_GRE } from './packet/ipv4.ts';
export { clampMss, fillL4Checksum } from './packet/l4.ts';
export { rewriteDestination, rewriteSource } from './packet/nat.ts';
export { tcpSegmentCount, writeTcpSegment } from './packet/segment.ts';
export { fragmentCount, writeFragment } from './packet/fragment.ts';
export { writeVnet, VNET_HDR_LEN, VNET_F_NEEDS_CSUM, GSO_TCPV4, type VnetHeader } from './packet/vnet.ts';
export { ETH_HDR_LEN, ETHERTYPE_IPV4, ETHERTYPE_IPV6, writeEthernet } from './packet/ethernet.ts';
