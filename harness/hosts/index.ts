// The hosts room inside harness: the host-side pieces both drivers share. The client host's traffic
// (LoopbackClient, which the containers driver runs inside its client container too), teardown of
// whatever the harness started (also on Ctrl-C), free ports and the TCP probe, waiting for a balancer
// to become ready, and the StartedTopology every driver hands back. local/ and containers/ import it
// only through this file.
export { LoopbackClient } from './client.ts';
export { trackGroup, trackTeardown, liveGroups } from './cleanup.ts';
export { freePort, portIsFree } from './ports.ts';
export { waitReady, describeLogs } from './readiness.ts';
export { startedTopology } from './started-topology.ts';
