import { createServer, type Server } from 'node:http';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { connectEngine, engineAddress, EngineUnavailableError, probeEngine } from './engine.ts';

describe('engine address', () => {
  it('reads DOCKER_HOST or falls back to the default socket', () => {
    expect(engineAddress(undefined)).toEqual({ socketPath: '/var/run/docker.sock' });
    expect(engineAddress('unix:///run/user/1000/podman/podman.sock')).toEqual({ socketPath: '/run/user/1000/podman/podman.sock' });
    expect(engineAddress('tcp://127.0.0.1:2375')).toEqual({ host: '127.0.0.1', port: 2375 });
    expect(() => engineAddress('ssh://me@there')).toThrow(EngineUnavailableError);
  });
});

describe('engine probe', () => {
  let server: Server | undefined;
  let dir: string | undefined;
  afterEach(async () => {
    await new Promise<void>((done) => (server ? server.close(() => done()) : done()));
    server = undefined;
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  async function fakeEngine(answer: (path: string) => [number, string]): Promise<string> {
    dir = mkdtempSync(join(tmpdir(), 'fulcrum-engine-'));
    const socketPath = join(dir, 'docker.sock');
    server = createServer((req, res) => {
      const [status, body] = answer(req.url ?? '');
      res.writeHead(status).end(body);
    });
    await new Promise<void>((done) => server?.listen(socketPath, done));
    return socketPath;
  }

  it('says which socket is missing', async () => {
    const probe = await probeEngine('unix:///nonexistent/fulcrum.sock');
    expect(probe).toEqual({ ok: false, reason: 'no socket at /nonexistent/fulcrum.sock' });
  });

  it('accepts an engine that answers /_ping with OK', async () => {
    const socketPath = await fakeEngine((path) => (path === '/_ping' ? [200, 'OK'] : [404, 'no']));
    expect(await probeEngine(`unix://${socketPath}`)).toEqual({ ok: true, address: { socketPath } });
  });

  it('rejects something else listening on the socket, quoting its answer', async () => {
    const socketPath = await fakeEngine(() => [500, 'broken daemon']);
    const probe = await probeEngine(`unix://${socketPath}`);
    expect(probe).toEqual({ ok: false, reason: `${socketPath} answered 500 broken daemon` });
  });

  it('names a refused tcp engine', async () => {
    const probe = await probeEngine('tcp://127.0.0.1:1', 2000);
    expect(probe.ok).toBe(false);
    expect(!probe.ok && probe.reason).toMatch(/^127\.0\.0\.1:1: connect ECONNREFUSED/);
  });
});

describe('the engine on this machine', () => {
  // Not skipped when absent: CI must fail here with the message that says what to do.
  it('answers (run docker/ensure-engine.sh first: npm test does)', async () => {
    const client = await connectEngine();
    expect(process.env['TESTCONTAINERS_RYUK_DISABLED']).toBe('true');
    expect(client.info.containerRuntime.serverVersion).toBeTruthy();
  });

  it('a missing engine gives one clear error with what to do', () => {
    const err = new EngineUnavailableError('no socket at /x.sock');
    expect(err.code).toBe('FULCRUM_ERR_NO_ENGINE');
    expect(err.message).toMatch(/no container engine answers \(no socket at \/x\.sock\)\. Run docker\/ensure-engine\.sh/);
  });
});
