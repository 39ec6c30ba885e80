// The local client's bulk transfer against the agent and against servers that misbehave on purpose:
// every way a transfer can go wrong must come back as ok:false naming the direction and what happened.
import { afterEach, describe, expect, it } from 'vitest';
import { createServer, type Server, type Socket } from 'node:net';
import { startAgent } from '../agent/agent.ts';
import { byteChunks } from '../agent/byte-stream.ts';
import { LoopbackClient } from './client.ts';

// A loopback address of its own so other test files' fixed addresses never collide with ours.
const SERVER_HOST = '127.78.0.1';
const CLIENT_HOST = '127.78.0.2';
const MB = 1024 * 1024;

let servers: Server[] = [];
const sockets = new Set<Socket>();
afterEach(async () => {
  sockets.forEach((s) => s.destroy());
  await Promise.all(servers.map((s) => new Promise((r) => s.close(r))));
  servers = [];
});

/** A raw TCP server: `onRequest` runs once the request head has arrived, with what came after it. */
async function rawServer(onRequest: (socket: Socket, head: string) => void): Promise<LoopbackClient> {
  const server = createServer((socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
    socket.on('error', () => {});
    let buf = '';
    const onData = (d: Buffer) => {
      buf += d.toString('latin1');
      const end = buf.indexOf('\r\n\r\n');
      if (end < 0) return;
      socket.off('data', onData);
      onRequest(socket, buf.slice(0, end));
    };
    socket.on('data', onData);
  });
  await new Promise<void>((r) => server.listen(0, SERVER_HOST, () => r()));
  servers.push(server);
  const port = (server.address() as { port: number }).port;
  return new LoopbackClient(CLIENT_HOST, { host: SERVER_HOST, port });
}

const head = (status: string, headers: Record<string, string | number>) =>
  `HTTP/1.1 ${status}\r\n${Object.entries(headers)
    .map(([k, v]) => `${k}: ${v}\r\n`)
    .join('')}\r\n`;

describe('LoopbackClient.transfer', () => {
  it('uploads and downloads through the agent, from its own address, and both checksums match', async () => {
    await using agent = await startAgent({ id: 'b9', host: SERVER_HOST, port: 0, controlPort: 0 });
    const client = new LoopbackClient(CLIENT_HOST, { host: agent.host, port: agent.port });
    const outcome = await client.transfer({ upBytes: 5 * MB + 1, downBytes: 7 * MB + 3 });
    expect(outcome).toMatchObject({
      ok: true,
      backend: 'b9',
      up: { bytes: 5 * MB + 1, match: true, peer: CLIENT_HOST },
      down: { bytes: 7 * MB + 3, match: true },
      local: { host: CLIENT_HOST },
    });
    const records = agent.snapshot().records;
    expect(records.map((r) => [r.method, r.path?.split('?')[0], r.peer.address])).toEqual([
      ['POST', '/sha256', CLIENT_HOST],
      ['GET', '/bytes', CLIENT_HOST],
    ]);
    // Only one direction: that direction's reply names the backend and the local end.
    const up = await client.transfer({ upBytes: 10 });
    expect(up).toMatchObject({ ok: true, backend: 'b9', up: { bytes: 10, match: true }, local: { host: CLIENT_HOST } });
    expect(up.ok && up.down).toBeUndefined();
    const down = await client.transfer({ downBytes: 10 });
    expect(down).toMatchObject({ ok: true, backend: 'b9', down: { bytes: 10, match: true } });
    expect(down.ok && down.up).toBeUndefined();
  });

  it('paced: an upload and a download take forMs at chunkBytes per everyMs, then finish at full speed, checksums matching', async () => {
    await using agent = await startAgent({ id: 'b9', host: SERVER_HOST, port: 0, controlPort: 0 });
    const client = new LoopbackClient(CLIENT_HOST, { host: agent.host, port: agent.port });
    const pace = { chunkBytes: 1000, everyMs: 50, forMs: 500 };
    const up = await client.transfer({ upBytes: 8000, pace });
    // 8 pieces 50 ms apart: at least 7 gaps, and nothing cut.
    expect(up).toMatchObject({ ok: true, up: { bytes: 8000, match: true } });
    expect(up.elapsedMs).toBeGreaterThanOrEqual(340);
    const down = await client.transfer({ downBytes: 4 * MB, pace });
    // At most 10 × 1000 bytes in the slow 500 ms, then the rest at once.
    expect(down).toMatchObject({ ok: true, down: { bytes: 4 * MB, match: true } });
    expect(down.elapsedMs).toBeGreaterThanOrEqual(480);
  });

  it('a download cut off mid-body: how much arrived, then the reset', async () => {
    const client = await rawServer((socket) => {
      socket.write(head('200 OK', { 'content-length': 20_000_000, 'x-fulcrum-backend': 'fake' }));
      socket.end(Buffer.alloc(MB));
    });
    const outcome = await client.transfer({ downBytes: 20_000_000 });
    expect(outcome).toMatchObject({ ok: false, error: `down: received ${MB} of 20000000 bytes (not the stream from byte 0), then ECONNRESET`, local: { host: CLIENT_HOST } });
  });

  it('a download that stalls: bounded by the timeout, never retried', async () => {
    let requests = 0;
    const client = await rawServer((socket) => {
      requests++;
      socket.write(head('200 OK', { 'content-length': 20_000_000 }));
      socket.write(Buffer.alloc(100_000));
    });
    const outcome = await client.transfer({ downBytes: 20_000_000, timeoutMs: 400 });
    expect(outcome).toMatchObject({ ok: false, error: 'down: received 100000 of 20000000 bytes (not the stream from byte 0), then timeout after 400 ms' });
    expect(outcome.elapsedMs).toBeLessThan(2000);
    expect(requests).toBe(1);
  });

  it('a download of the wrong bytes, or of a different length, comes back with match: false', async () => {
    const n = 2 * MB;
    const client = await rawServer((socket) => {
      socket.write(head('200 OK', { 'content-length': n, 'x-fulcrum-backend': 'fake' }));
      for (const chunk of byteChunks('some other seed', n)) socket.write(chunk);
      socket.end();
    });
    expect(await client.transfer({ downBytes: n })).toMatchObject({ ok: true, backend: 'fake', down: { bytes: n, match: false } });
    const longer = await client.transfer({ downBytes: n - 1 });
    expect(longer).toMatchObject({ ok: true, down: { bytes: n, match: false } });
  });

  it('an upload reset part way: how much went out, then the error; the download is not attempted', async () => {
    let requests = 0;
    const client = await rawServer((socket) => {
      requests++;
      let got = 0;
      socket.on('data', (d: Buffer) => {
        got += d.length;
        if (got >= MB) socket.resetAndDestroy();
      });
    });
    const outcome = await client.transfer({ upBytes: 20_000_000, downBytes: 10 });
    expect(outcome.ok).toBe(false);
    expect(!outcome.ok && outcome.error).toMatch(/^up: sent \d+ of 20000000 bytes, then (ECONNRESET|EPIPE)$/);
    expect(requests).toBe(1);
  });

  it('a reply from something other than the agent: its status or body in the error', async () => {
    const busy = await rawServer((socket) => socket.end(head('503 Service Unavailable', { 'content-length': 5, connection: 'close' }) + 'busy\n'));
    expect(await busy.transfer({ downBytes: 10 })).toMatchObject({ ok: false, error: 'down: HTTP 503 instead of 200: "busy"' });
    const odd = await rawServer((socket) => socket.end(head('200 OK', { 'content-length': 3, connection: 'close' }) + 'hi\n'));
    expect(await odd.transfer({ upBytes: 10 })).toMatchObject({ ok: false, error: `up: sent 10 of 10 bytes, then the reply is not the agent's {bytes, sha256} JSON: "hi"` });
  });

  it('nobody listening: refused at once; bad options throw', async () => {
    const client = new LoopbackClient(CLIENT_HOST, { host: SERVER_HOST, port: 9 });
    expect(await client.transfer({ upBytes: 100, downBytes: 100 })).toMatchObject({ ok: false, error: 'up: ECONNREFUSED' });
    expect(await client.transfer({ downBytes: 100 })).toMatchObject({ ok: false, error: 'down: ECONNREFUSED' });
    await expect(client.transfer({})).rejects.toThrow(/nothing to do/);
    await expect(client.transfer({ upBytes: -1 })).rejects.toThrow(/upBytes must be a whole number/);
    await expect(client.transfer({ downBytes: 2 ** 31 })).rejects.toThrow(/at most 1073741824 \(1 GiB\)/);
  });
});
