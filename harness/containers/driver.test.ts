// The containers driver against the reference balancer: the same contract as the local driver,
// with every host a container. Addresses prove where traffic came from: the client's own address
// in X-Forwarded-For and the PROXY header, the balancer's back-side address as the backends' peer.
import { connect } from 'node:net';
import { describe, expect, it } from 'vitest';
import { connectEngine } from '../../docker/index.ts';
import { resolveDriver } from '../drivers.ts';
import { resolveTarget } from '../targets/registry.ts';
import type { StartedTopology } from '../topology.ts';
import { listLabelledResources } from './cleanup.ts';
import { containerPathMapper, containersDriver, type ContainerDriverTopology } from './driver.ts';

// Bounds, not expectations: containers and node start slowly when the shared 2-core machine is busy.
const CONTAINER_TEST_TIMEOUT_MS = 240_000;

const backends = [
  { id: 'b1', weight: 1 },
  { id: 'b2', weight: 1 },
  { id: 'b3', weight: 1 },
];

function connectError(endpoint: { host: string; port: number }): Promise<string> {
  return new Promise((resolve) => {
    const socket = connect(endpoint);
    socket.setTimeout(3000, () => {
      socket.destroy();
      resolve('timeout');
    });
    socket.on('connect', () => {
      socket.destroy();
      resolve('connected');
    });
    socket.on('error', (err: NodeJS.ErrnoException) => resolve(err.code ?? err.message));
  });
}

const containersOf = (t: StartedTopology) => (t as ContainerDriverTopology).containers;

describe('containers driver', { timeout: CONTAINER_TEST_TIMEOUT_MS }, () => {
  it('is registered as --driver containers and available here', async () => {
    const driver = await resolveDriver('containers');
    expect(driver.name).toBe('containers');
    expect(await driver.available()).toEqual({ ok: true });
  });

  it('maps host paths into the image: identity for hostroot, /opt/fulcrum and plain node for the agents image', () => {
    const hostroot = containerPathMapper({ kind: 'hostroot', projectDir: '/src/f' }, '/src/f', '/usr/bin/node');
    expect(hostroot('/src/f/bin/fulcrum.js')).toBe('/src/f/bin/fulcrum.js');
    expect(hostroot('/usr/bin/node')).toBe('/usr/bin/node');
    const agents = containerPathMapper({ kind: 'agents', projectDir: '/opt/fulcrum' }, '/src/f', '/usr/bin/node');
    expect(agents('/src/f/bin/fulcrum.js')).toBe('/opt/fulcrum/bin/fulcrum.js');
    expect(agents('--config=/src/f/x.yaml')).toBe('--config=/opt/fulcrum/x.yaml');
    expect(agents('/usr/bin/node')).toBe('node');
  });

  it('reference, http rr: exact cycle, X-Forwarded-For is the client container, backends see the balancer; a stopped backend refuses', async () => {
    const target = await resolveTarget('reference');
    let runId = '';
    {
      await using topology = await containersDriver.start({ target, plan: { mode: 'http', algorithm: { name: 'rr' }, backends } }, { log: (l) => console.log(l) });
      const containers = containersOf(topology);
      runId = containers.runId;
      const client = topology.clients[0];
      if (!client) throw new Error('no client');
      const balancerBack = containers.hosts['balancer']?.addresses['back'];
      expect(topology.entry).toEqual({ host: containers.hosts['balancer']?.addresses['front'], port: 8000 });
      expect(client.address).toBe(containers.hosts['client1']?.address);

      const sequence: (string | undefined)[] = [];
      for (let i = 0; i < 30; i++) {
        const r = await client.http();
        expect(r.ok, JSON.stringify(r)).toBe(true);
        if (r.ok) sequence.push(r.backend);
      }
      // Round robin: every window of three holds each backend once.
      for (let i = 0; i + 3 <= sequence.length; i += 3) expect([...sequence.slice(i, i + 3)].sort()).toEqual(['b1', 'b2', 'b3']);

      const records = await topology.backend('b1').records();
      expect(records).toHaveLength(10);
      for (const r of records) {
        expect(r.peer.address).toBe(balancerBack);
        expect(r.headers?.['x-forwarded-for']).toBe(client.address);
      }

      // Held work ends as the balancer sees it when the backend releases it (least-connections checks).
      const held = await client.holdHttp();
      const holder = topology.backend(held.backend as string);
      expect((await holder.snapshot()).active.http).toBe(1);
      expect(await holder.release?.(held.token)).toBe(1);
      await held.ended?.();
      expect((await holder.snapshot()).active.http).toBe(0);
      await held.close();

      await topology.backend('b2').stop();
      expect(topology.backend('b2').running).toBe(false);
      // The container stays, so its kernel refuses (like a dead local process), not a silent timeout.
      expect(await connectError(topology.backend('b2').endpoint)).toBe('ECONNREFUSED');
      await topology.backend('b2').start();
      expect(topology.backend('b2').running).toBe(true);
      await topology.backend('b2').reset();
      expect(await topology.backend('b2').records()).toEqual([]);
    }
    expect(await listLabelledResources(await connectEngine(), { runId })).toEqual([]);
  });

  it('reference, tcp with PROXY v2: the header carries the client container address', async () => {
    const target = await resolveTarget('reference');
    await using topology = await containersDriver.start({ target, plan: { mode: 'tcp', algorithm: { name: 'rr' }, backends: backends.slice(0, 2), proxyProtocol: 'v2' } });
    const client = topology.clients[0];
    if (!client) throw new Error('no client');
    const replies = [await client.tcp('one'), await client.tcp('two')];
    expect(replies.map((r) => (r.ok ? r.backend : r.error)).sort()).toEqual(['b1', 'b2']);
    const seen = [...(await topology.backend('b1').records()), ...(await topology.backend('b2').records())];
    expect(seen).toHaveLength(2);
    for (const r of seen) {
      expect(r.proxy?.version).toBe(2);
      expect(r.proxy?.source?.address).toBe(client.address);
    }
    const held = await client.holdTcp('hold');
    const holder = held.backend as string;
    expect((await topology.backend(holder).snapshot()).active.tcp).toBe(1);
    await held.close();
  });
});
