// The harness room's door: topologies and drivers, targets, the agent's contract, the runner.
export type * from './types.ts';
export type * from './topology.ts';
export {
  BACKEND_HEADER,
  HOLD_PATH,
  HEALTH_PATH,
  REQUEST_ID_HEADER,
  MISBEHAVE_PATH,
  MISBEHAVIOURS,
  UNSOLICITED_ID,
  backendOfReply,
  type AgentRecord,
  type AgentSnapshot,
  type ProxyHeaderRecord,
  type Misbehaviour,
} from './agent/protocol.ts';
export * as http1 from './http1/index.ts';
export { localDriver, startLocal, TopologyStartError, CLIENT_NET, BALANCER_HOST, BACKEND_NET } from './local/driver.ts';
export { liveGroups, trackGroup, trackTeardown, freePort } from './hosts/index.ts';
export { spawnBalancer, type BalancerProcess } from './local/balancer.ts';
export { reapOrphanedGroups, orphanedGroups, stateDir, type GroupRecord } from './local/group-registry.ts';
export { registerDriver, resolveDriver, driverNames, UnknownDriverError } from './drivers.ts';
export { resolveTarget, builtInTargetNames, UnknownTargetError } from './targets/registry.ts';
export { FileTarget, TargetRenderError } from './targets/file-target.ts';
export { loadFindings, parseFindings, judgeFindings, FINDINGS_SCHEMA, type Finding, type FindingsVerdict } from './targets/findings.ts';
export { parseTargetFile, loadTargetFile, targetFileSchema, TARGET_FILE_SCHEMA, type TargetFile } from './targets/target-file.ts';
export { referenceTarget, referenceConfig, ALGORITHM_OPTIONS_CAPABILITY } from './targets/reference.ts';
export { runConformance, selectChecks, basePlan, globToRegExp, type ConformanceOptions } from './conformance.ts';
export { nodeCommand } from './node-command.ts';
export { lvsView, subtract as subtractCounters, type LvsView, type WireCounters, type ArpAnswers } from './lvs-view.ts';
export { commandExists } from './targets/commands.ts';
export { nftablesTarget } from './targets/nftables.ts';
export { brokenArp, brokenForgetful, brokenNoHealth, brokenStatelessNat, brokenTerminating, brokenTunNoMtu, brokenUdpForgetful } from './targets/broken/lvs.ts';
/** The containers driver and its cleanup, loaded on demand: they pull in testcontainers, which a local
 *  run never needs (harness/drivers.ts registers the driver the same lazy way). */
export const loadContainers = () => import('./containers/index.ts');
export type { LabelledResource } from './containers/index.ts';
export { Scenario as NetnsScenario, JsonLines, VIP as NETNS_VIP, type ScenarioOptions as NetnsScenarioOptions } from './lvs-netns/scenario.ts';
export { naiveL7Target, serialL7Target } from './targets/broken/naive-l7.ts';
export { createTestCa, writePem, type TestCa, type Leaf, type Pem } from './tls/ca.ts';
export { pinnedH2Target } from './targets/broken/pinned-h2.ts';
