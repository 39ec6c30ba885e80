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
export { parseIPv4, formatIPv4, writeIPv4Header, PROTO_UDP } from './packet/ipv4.ts';
export { fillL4Checksum } from './packet/l4.ts';
export { write16 } from './packet/checksum.ts';
export { parseMac, formatMac, writeEthernet, ETHERTYPE_IPV4 } from './packet/ethernet.ts';
export { LvsHealth, type HealthTarget } from './health.ts';
export { startAdmin, route as routeAdmin, type AdminTarget, type AdminServer, type AdminReply } from './admin.ts';
