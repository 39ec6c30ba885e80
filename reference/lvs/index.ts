// The LVS packet engine's door: config, engine, runner, the real-server agent and the pure packet helpers others may need.
export { parseLvsConfig, parseLvsConfigText, lvsConfigSchema, type LvsConfig, type LvsServiceConfig, type LvsBackendConfig } from './config.ts';
export { LvsEngine, RealServer, UnknownServerError, DuplicateServerError, type EngineStats, type DropReason, type Link } from './engine.ts';
export { LvsRunner, readLink, kernelWarnings, LinkError, type RunnerStats } from './runner.ts';
export { runDaemon } from './daemon.ts';
export { startRsAgent, configureRealServer, realServerSysctls, type RsAgent, type RsAgentOptions } from './rs-agent.ts';
export { ConnTable, DEFAULT_TIMEOUTS, type ConnTimeouts } from './conntrack.ts';
export { nativeAvailable, NativeUnavailableError } from './native.ts';
export { parseIPv4, formatIPv4 } from './packet/ipv4.ts';
export { parseMac, formatMac } from './packet/ethernet.ts';
export { LvsHealth, type HealthTarget } from './health.ts';
