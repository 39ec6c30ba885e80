// Container topologies on the real engine. These start real containers: a few seconds each.
import { spawn, spawnSync } from 'node:child_process';
import { get } from 'node:http';
import { cpus, loadavg } from 'node:os';
import { afterAll, describe, expect, it } from 'vitest';
import { connectEngine } from '../../docker/index.ts';
import { isSafeSubnet, parseSubnet } from './addressing.ts';
import { listLabelledResources } from './cleanup.ts';
import { LABEL_CREATED, LABEL_OWNER, LABEL_RUN, newRunId } from './labels.ts';
import { sharedSegment, twoArmed } from './shapes.ts';
import { reapCrashedRuns, startContainerTopology, type ContainerHost } from './topology.ts';

// Bounds, not expectations: containers and node start slowly when the shared 2-core machine is busy.
const CONTAINER_TEST_TIMEOUT_MS = 240_000;

// A backend that answers its hostname: enough to prove "up and answering" without the agent.
const HELLO_SERVER = ['node', '-e', "require('http').createServer((q,s)=>s.end(require('os').hostname())).listen(8080,'0.0.0.0')"];

function httpGet(url: string, timeoutMs: number): Promise<string> {
  return new Promise((resolve, reject) => {
    const req = get(url, { timeout: timeoutMs }, (res) => {
      let body = '';
      res.on('data', (c: Buffer) => (body += c.toString()));
      res.on('end', () => resolve(body));
    });
    req.on('timeout', () => req.destroy(new Error(`no answer from ${url} in ${timeoutMs} ms`)));
    req.on('error', reject);
  });
}

/** Poll until the URL answers; bounded by the deadline. */
async function answering(url: string, deadline: number): Promise<string> {
  for (;;) {
    try {
      return await httpGet(url, 1000);
    } catch (err) {
      if (Date.now() > deadline) throw err;
      await new Promise((r) => setTimeout(r, 50));
    }
  }
}

/** Connect by TCP from inside a host (node is the host's node); prints "ok" or the error code. */
async function tcpFrom(host: ContainerHost, address: string, port: number): Promise<string> {
  const script = `const s=require('net').connect(${port},'${address}');s.setTimeout(2000,()=>{console.log('ETIMEDOUT');process.exit()});s.on('connect',()=>{console.log('ok');s.destroy()});s.on('error',e=>console.log(e.code))`;
  return (await host.exec(['node', '-e', script])).stdout.trim();
}

const runIds: string[] = [];
afterAll(async () => {
  // Whatever a test did, none of its runs may leave anything behind.
  const client = await connectEngine();
  for (const runId of runIds) expect(await listLabelledResources(client, { runId })).toEqual([]);
});

describe('containers: two-armed topology', { timeout: CONTAINER_TEST_TIMEOUT_MS }, () => {
  it('1 client + balancer + 3 backends are up and answering within 5 s, on internal labelled networks, without routes off-network', async () => {
    const runId = newRunId();
    runIds.push(runId);
    const started = Date.now();
    await using topology = await startContainerTopology(twoArmed({ backends: 3, commands: { backend: HELLO_SERVER } }), { runId, log: (l) => console.log(l) });
    const backends = Object.values(topology.hosts).filter((h) => h.role === 'backend');
    const answers = await Promise.all(backends.map((b) => answering(`http://${b.address}:8080/`, started + 15_000)));
    const upMs = Date.now() - started;
    console.log(`containers: two-armed (1 client, 1 balancer, 3 backends) up and answering in ${upMs} ms (containers up in ${topology.startupMs} ms)`);
    expect(answers.sort()).toEqual(['backend1', 'backend2', 'backend3']);
    // The 5 s budget is for a machine doing this work; on an oversubscribed one (other test files,
    // other work) the figure is printed but says nothing about us, so it is not asserted then.
    const [load] = loadavg();
    if ((load ?? 0) <= cpus().length) expect(upMs).toBeLessThanOrEqual(5000);
    else console.log(`containers: startup budget (5 s) not asserted: load average ${load?.toFixed(1)} on ${cpus().length} cores`);

    const client = await connectEngine();
    for (const net of Object.values(topology.networks)) {
      const info = await client.container.dockerode.getNetwork(net.id).inspect();
      expect(info.Internal).toBe(true);
      const subnet = info.IPAM?.Config?.[0]?.Subnet as string;
      expect(subnet).toBe(net.subnet);
      expect(isSafeSubnet(parseSubnet(subnet))).toBe(true);
      expect(info.Labels).toMatchObject({ [LABEL_RUN]: runId, [LABEL_OWNER]: expect.stringMatching(/:\d+$/), [LABEL_CREATED]: expect.any(String) });
    }

    const hosts = topology.hosts;
    const balancer = hosts['balancer'] as ContainerHost;
    const client1 = hosts['client1'] as ContainerHost;
    // No default route except a backend's via the balancer: `ip route get` only consults the table.
    for (const host of [client1, balancer]) {
      const route = await host.exec(['ip', 'route', 'get', '192.0.2.1']);
      expect(route.exitCode, `${host.name} must have no route off-network`).not.toBe(0);
      expect(route.stderr).toMatch(/Network is unreachable/);
    }
    for (const backend of backends) {
      const defaults = await backend.exec(['ip', 'route', 'show', 'default']);
      expect(defaults.stdout.trim()).toBe(`default via ${balancer.addresses['back']} dev eth0`);
    }
    expect((await balancer.exec(['cat', '/proc/sys/net/ipv4/ip_forward'])).stdout.trim()).toBe('0');

    // The client reaches the balancer's front address but has no path to the backends.
    expect(await tcpFrom(balancer, (hosts['backend1'] as ContainerHost).address, 8080)).toBe('ok');
    expect(await tcpFrom(client1, (hosts['backend1'] as ContainerHost).address, 8080)).toBe('ENETUNREACH');
    // The project is mounted read-only: an agent cannot scribble on the checkout.
    const write = await client1.exec(['touch', `${topology.image.projectDir}/should-not-exist`]);
    expect(write.stderr).toMatch(/Read-only file system/);
  });
});

describe('containers: shared segment behind a router', { timeout: CONTAINER_TEST_TIMEOUT_MS }, () => {
  it('clients reach the segment only through the router, which forwards', async () => {
    const runId = newRunId();
    runIds.push(runId);
    await using topology = await startContainerTopology(sharedSegment({ backends: 2, commands: { backend: HELLO_SERVER } }), { runId });
    const hosts = topology.hosts;
    const client1 = hosts['client1'] as ContainerHost;
    const backend1 = hosts['backend1'] as ContainerHost;
    const router = hosts['router'] as ContainerHost;
    await answering(`http://${backend1.address}:8080/`, Date.now() + 15_000);
    expect((await router.exec(['cat', '/proc/sys/net/ipv4/ip_forward'])).stdout.trim()).toBe('1');
    const via = await client1.exec(['ip', 'route', 'get', backend1.address]);
    expect(via.stdout).toContain(`via ${router.addresses['clients']}`);
    expect(await tcpFrom(client1, backend1.address, 8080)).toBe('ok');
    const offNet = await backend1.exec(['ip', 'route', 'get', '192.0.2.1']);
    expect(offNet.stderr).toMatch(/Network is unreachable/);
  });
});

describe('containers: teardown', { timeout: CONTAINER_TEST_TIMEOUT_MS }, () => {
  it('removes everything when the code using the topology throws', async () => {
    const runId = newRunId();
    runIds.push(runId);
    const client = await connectEngine();
    const failing = async () => {
      await using topology = await startContainerTopology(twoArmed({ backends: 1 }), { runId });
      expect((await listLabelledResources(client, { runId })).length).toBe(5); // 3 containers + 2 networks
      throw new Error(`boom in ${topology.name}`);
    };
    await expect(failing()).rejects.toThrow('boom in two-armed');
    expect(await listLabelledResources(client, { runId })).toEqual([]);
  });

  it('removes what was created when a host fails to start', async () => {
    const runId = newRunId();
    runIds.push(runId);
    const spec = twoArmed({ backends: 1, commands: { backend: ['/nonexistent/program'] } });
    await expect(startContainerTopology(spec, { runId })).rejects.toThrow();
    expect(await listLabelledResources(await connectEngine(), { runId })).toEqual([]);
  });

  it('removes everything on Ctrl-C (SIGINT) and the process still ends by the signal', async () => {
    const runId = newRunId();
    runIds.push(runId);
    const script = `
      import { startContainerTopology, twoArmed } from './harness/containers/index.ts';
      await startContainerTopology(twoArmed({ backends: 1 }), { runId: '${runId}' });
      console.log('up');
      setInterval(() => {}, 1000);
    `;
    const child = spawn(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], { cwd: new URL('../..', import.meta.url), stdio: ['ignore', 'pipe', 'pipe'] });
    try {
      let stderr = '';
      child.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
      await new Promise<void>((resolve, reject) => {
        child.stdout.on('data', (c: Buffer) => c.toString().includes('up') && resolve());
        child.on('exit', (code) => reject(new Error(`child exited (${code}) before the topology was up: ${stderr}`)));
      });
      const client = await connectEngine();
      expect((await listLabelledResources(client, { runId })).length).toBe(5);
      const exited = new Promise<NodeJS.Signals | null>((r) => child.on('exit', (_code, signal) => r(signal)));
      child.kill('SIGINT');
      expect(await exited).toBe('SIGINT');
      expect(stderr).toMatch(/SIGINT: removing 1 container topology/);
      expect(await listLabelledResources(client, { runId })).toEqual([]);
    } finally {
      child.kill('SIGKILL');
    }
  });

  it('removes the leftovers of a crashed run', async () => {
    const runId = newRunId();
    runIds.push(runId);
    // A run killed with SIGKILL leaves its containers; the owner label names a dead process.
    const script = `
      import { startContainerTopology, twoArmed } from './harness/containers/index.ts';
      await startContainerTopology(twoArmed({ backends: 1 }), { runId: '${runId}' });
      process.kill(process.pid, 'SIGKILL');
    `;
    const crashed = spawnSync(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], { cwd: new URL('../..', import.meta.url), encoding: 'utf8', timeout: 60_000 });
    expect(crashed.signal).toBe('SIGKILL');
    const client = await connectEngine();
    const left = await listLabelledResources(client, { runId, deadOwnersOnly: true });
    expect(left.map((r) => r.kind).sort()).toEqual(['container', 'container', 'container', 'network', 'network']);
    await reapCrashedRuns(client, () => {}, { runId, minAgeMs: 0 });
    expect(await listLabelledResources(client, { runId })).toEqual([]);
  });
});
