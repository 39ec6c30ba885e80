// A small HTTP server and client run inside namespaces by the end-to-end tests.
//   server <id> <port> [vips tunnels]  (with vips: first set up as a DR/TUN real server, as `fulcrum rs-agent` does)
//                          GET /id → "<id> <peer address>"; GET /down?bytes=N → N random bytes, sha256 in a header;
//                          POST /up → {"id","peer","bytes","sha256"} of what arrived
//   client <op> <url> [N]  op = ids (N requests, new connection each) | down | up | all (6 ids, down N, up N);
//                          prints one JSON line
import { createHash, randomBytes } from 'node:crypto';
import http from 'node:http';
import { lvs } from '../../reference/index.ts';

const { startRsAgent, parseIPv4 } = lvs;

const [mode, a, b, c, d] = process.argv.slice(2);

function sha256(data: Buffer): string {
  return createHash('sha256').update(data).digest('hex');
}

if (mode === 'server') {
  const id = a ?? 'rs';
  const tunnels = !d || d === 'none' ? [] : (d.split(',') as Array<'ipip' | 'gre'>);
  const agent = c ? await startRsAgent({ vips: c.split(',').map(parseIPv4), tunnels, tunName: 'fulcrum-tun0', advmss: 0 }) : undefined;
  const server = http.createServer((req, res) => {
    const peer = req.socket.remoteAddress ?? '';
    const url = new URL(req.url ?? '/', 'http://x');
    if (req.method === 'GET' && url.pathname === '/id') {
      res.end(`${id} ${peer}`);
    } else if (req.method === 'GET' && url.pathname === '/down') {
      const body = randomBytes(Number(url.searchParams.get('bytes') ?? 0));
      res.writeHead(200, { 'content-length': body.length, 'x-sha256': sha256(body), 'x-id': id });
      res.end(body);
    } else if (req.method === 'POST' && url.pathname === '/up') {
      const hash = createHash('sha256');
      let bytes = 0;
      req.on('data', (d: Buffer) => {
        hash.update(d);
        bytes += d.length;
      });
      req.on('end', () => res.end(JSON.stringify({ id, peer, bytes, sha256: hash.digest('hex') })));
    } else {
      res.writeHead(404).end();
    }
  });
  server.listen(Number(b ?? 80), '0.0.0.0', () => process.stdout.write('listening\n'));
  const stop = () => void (agent?.stop() ?? Promise.resolve()).then(() => process.exit(0));
  process.stdin.on('end', stop); // dies with the test's pipe
  process.once('SIGTERM', stop);
  process.stdin.resume();
} else if (mode === 'client') {
  // Several URLs (comma-separated) are visited one after the other; the output is then a JSON array.
  const urls = (b ?? 'http://127.0.0.1/').split(',');
  const results: unknown[] = [];
  let failed = false;
  for (const u of urls) {
    try {
      results.push(await runClient(a, new URL(u), Number(c ?? 1)));
    } catch (err) {
      failed = true;
      results.push({ error: (err as Error).message });
    }
  }
  process.stdout.write(`${JSON.stringify(urls.length === 1 ? results[0] : results)}\n`);
  if (failed) process.exitCode = 1;
} else {
  process.stderr.write('usage: traffic-agent.ts server <id> <port> [vips tunnels] | client <ids|down|up|all> <url[,url…]> [n]\n');
  process.exitCode = 2;
}

async function runClient(op: string | undefined, url: URL, n: number): Promise<unknown> {
  const agent = new http.Agent({ keepAlive: false });
  const get = (path: string) =>
    new Promise<{ body: Buffer; headers: http.IncomingHttpHeaders }>((resolve, reject) => {
      const req = http.get(new URL(path, url), { agent, timeout: 15_000 }, (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (d: Buffer) => chunks.push(d));
        res.on('end', () => resolve({ body: Buffer.concat(chunks), headers: res.headers }));
        res.on('error', reject);
      });
      req.on('timeout', () => req.destroy(new Error('timeout')));
      req.on('error', reject);
    });
  const main = async (op: string | undefined): Promise<unknown> => {
    if (op === 'all') return { ids: await main('ids-6'), down: await main('down'), up: await main('up') };
    if (op === 'ids-6') {
      const seen: string[] = [];
      for (let i = 0; i < 6; i++) seen.push((await get('/id')).body.toString());
      return { seen };
    }
    if (op === 'ids') {
      const seen: string[] = [];
      for (let i = 0; i < n; i++) seen.push((await get('/id')).body.toString());
      return { seen };
    }
    if (op === 'down') {
      const { body, headers } = await get(`/down?bytes=${n}`);
      return { bytes: body.length, match: sha256(body) === headers['x-sha256'], id: headers['x-id'] };
    }
    if (op === 'up') {
      const body = randomBytes(n);
      const reply = await new Promise<string>((resolve, reject) => {
        const req = http.request(new URL('/up', url), { method: 'POST', agent, timeout: 15_000, headers: { 'content-length': body.length } }, (res) => {
          let text = '';
          res.on('data', (d: Buffer) => (text += d.toString()));
          res.on('end', () => resolve(text));
        });
        req.on('timeout', () => req.destroy(new Error('timeout')));
        req.on('error', reject);
        req.end(body);
      });
      const parsed = JSON.parse(reply) as { id: string; peer: string; bytes: number; sha256: string };
      return { ...parsed, match: parsed.sha256 === sha256(body) && parsed.bytes === body.length };
    }
    throw new Error(`unknown op ${op}`);
  };
  return main(op);
}
