// distribution.udp fails against deliberately broken UDP balancers and passes on the reference and
// on nginx's stream module (when installed).
import { describe, expect, it } from 'vitest';
import { basePlan, commandExists, resolveTarget, startLocal, type Check, type Scenario, type Target, type Verdict } from '../../harness/index.ts';
import { udpCheck } from './udp.ts';

const HAVE_NGINX = await commandExists('nginx');

async function run(check: Check, target: Target): Promise<Verdict> {
  await using topology = await startLocal({ target, plan: check.scenario(basePlan()) }, { readyTimeoutMs: 30_000 });
  return await check.run({ topology, capabilities: target.capabilities, log: () => {} }); // await: the topology lives until the verdict
}

/** A one-file UDP "balancer" in node: each datagram goes round robin to the next backend (no flow
 *  table); replies go back from the listening socket, or (replyFromOwnSocket) from the upstream one. */
function perDatagram(name: string, replyFromOwnSocket: boolean): Target {
  const program = (s: Scenario) => `
    const dgram = require('dgram');
    const backends = ${JSON.stringify(s.backends.map((b) => [b.host, b.port]))};
    const front = dgram.createSocket('udp4');
    let next = 0;
    front.on('message', (msg, client) => {
      const up = dgram.createSocket('udp4');
      const [host, port] = backends[next++ % backends.length];
      up.on('message', (reply) => {
        (${replyFromOwnSocket} ? up : front).send(reply, client.port, client.address, () => up.close());
      });
      up.send(msg, port, host);
    });
    front.bind(${s.listen.port}, '${s.listen.host}');`;
  return { name, capabilities: ['udp', 'algorithm:rr'], version: async () => undefined, available: async () => ({ ok: true }), render: (s) => ({ files: [], command: [process.execPath, '-e', program(s)] }) };
}

describe('distribution.udp', () => {
  it('passes on the reference balancer', async () => {
    const v = await run(udpCheck, await resolveTarget('reference'));
    expect(v, JSON.stringify(v)).toMatchObject({ status: 'pass', metrics: { flows: 9, datagrams: 36 } });
  });

  it('fails a balancer that picks per datagram: the flow was spread', async () => {
    const v = await run(udpCheck, perDatagram('udp-per-datagram', false));
    expect(v.status, JSON.stringify(v)).toBe('fail');
    expect((v as { reason: string }).reason).toMatch(/^flow 0 \(one client socket\) was spread over backends: b1 b2 b3 b1/);
  });

  it('fails a balancer whose replies come from another address than the client sent to', async () => {
    const v = await run(udpCheck, perDatagram('udp-wrong-source', true));
    expect(v.status, JSON.stringify(v)).toBe('fail');
    expect((v as { reason: string }).reason).toMatch(/^flow 0, datagram 1: reply "b1 udp-\S+" came from 127\.0\.0\.1:\d+, not from 127\.20\.0\.1:\d+/);
  });

  // Skipped only where Debian's nginx is missing.
  it.skipIf(!HAVE_NGINX)("passes on nginx's stream udp (the shipped target)", async () => {
    const v = await run(udpCheck, await resolveTarget('nginx'));
    expect(v, JSON.stringify(v)).toMatchObject({ status: 'pass' });
  });
});
