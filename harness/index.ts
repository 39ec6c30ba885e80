// The harness room's door: topologies and drivers, targets, the agent's contract, the runner.
export type * from './types.ts';
export type * from './topology.ts';
export { BACKEND_HEADER, HOLD_PATH, HEALTH_PATH, backendOfReply, type AgentRecord, type AgentSnapshot, type ProxyHeaderRecord } from './agent/protocol.ts';
export { localDriver, startLocal, TopologyStartError, CLIENT_NET, BALANCER_HOST, BACKEND_NET } from './local/driver.ts';
export { liveGroups } from './local/cleanup.ts';
export { reapOrphanedGroups, orphanedGroups, stateDir, type GroupRecord } from './local/group-registry.ts';
export { registerDriver, resolveDriver, driverNames, UnknownDriverError } from './drivers.ts';
export { resolveTarget, builtInTargetNames, UnknownTargetError } from './targets/registry.ts';
export { FileTarget, TargetRenderError } from './targets/file-target.ts';
export { loadFindings, parseFindings, judgeFindings, FINDINGS_SCHEMA, type Finding, type FindingsVerdict } from './targets/findings.ts';
export { parseTargetFile, loadTargetFile, targetFileSchema, TARGET_FILE_SCHEMA, type TargetFile } from './targets/target-file.ts';
export { referenceTarget, referenceConfig } from './targets/reference.ts';
export { runConformance, selectChecks, basePlan, globToRegExp, type ConformanceOptions } from './conformance.ts';
export { nodeCommand } from './node-command.ts';
export { lvsView, subtract as subtractCounters, type LvsView, type WireCounters, type ArpAnswers } from './lvs-view.ts';
