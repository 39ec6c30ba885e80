// The LVS daemon's admin channel (ipvsadm -L/-a/-e/-d over HTTP): HTTP/1.1 JSON on `admin.listen`, node:http
// only. No authentication: keep it on loopback.
//
//   GET    /stats                             → the runner's counters, send failures, CPU time, unresolved neighbours
//   GET    /services                          → every service with its real servers (ServiceView[])
//   PUT    /services/<service>/backends/<id>  { "address": "198.19.2.13[:port]", "weight": 1 }
//                                             → 201 added, 200 weight changed (0 quiesces)
//   DELETE /services/<service>/backends/<id>  → 200; its flows expire or move (conntrack.removedServer)
//
// Errors are { "error": message, "code": stable code }: 404 unknown endpoint, service or real server; 400 bad
// JSON or values (the message names the field); 405 other methods (with Allow). Each change is logged as one line.
// `route` is the whole protocol without sockets; `startAdmin` only moves bytes.
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { lvsBackendSchema } from '../config/lvs.ts';
import type { PutResult, RemoveResult, ServerChange, ServiceView } from './engine.ts';

/** What the admin channel drives: the runner in the daemon, an engine (plus stats) in tests. */
export interface AdminTarget {
  stats(): unknown;
  describe(): ServiceView[];
  putServer(service: string, id: string, change: ServerChange): PutResult;
  removeServer(service: string, id: string): RemoveResult;
}

export interface AdminReply {
  status: number;
  body: unknown;
  /** For 405. */
  allow?: string;
}

export interface AdminServer extends AsyncDisposable {
  /** host:port it listens on ("127.0.0.1:9000", "[::1]:9000"). */
  readonly address: string;
  close(): Promise<void>;
}

const MAX_BODY = 64 * 1024;
/** A PUT body: the config's backend fields without the id (that is in the path); weight defaults to 1 as there. */
const putBody = lvsBackendSchema.omit({ id: true }).partial();
const idSchema = lvsBackendSchema.shape.id;

const errorStatus: Record<string, number> = {
  FULCRUM_ERR_LVS_UNKNOWN_SERVICE: 404,
  FULCRUM_ERR_LVS_UNKNOWN_SERVER: 404,
  FULCRUM_ERR_LVS_INVALID_SERVER: 400,
  FULCRUM_ERR_LVS_DUPLICATE_SERVER: 409,
  FULCRUM_ERR_LVS_BPF_SIZE: 409,
};

function fail(status: number, code: string, message: string): AdminReply {
  return { status, body: { error: message, code } };
}

function badRequest(message: string): AdminReply {
  return fail(400, 'FULCRUM_ERR_LVS_ADMIN_BAD_REQUEST', message);
}

function fieldOf(path: readonly PropertyKey[]): string {
  return path.length === 0 ? 'body' : path.map(String).join('.');
}

/** Handles one request. `body` is the raw request body (only PUT reads it); `log` gets one line per change. */
export function route(target: AdminTarget, method: string, url: string, body: string, log: (line: string) => void): AdminReply {
  let segments: string[];
  try {
    segments = new URL(url, 'http://admin').pathname.split('/').slice(1).map(decodeURIComponent);
  } catch {
    return fail(404, 'FULCRUM_ERR_LVS_ADMIN_NOT_FOUND', `no endpoint ${url}`);
  }
  const only = (allowed: string, run: () => AdminReply): AdminReply =>
    allowed.split(', ').includes(method) ? run() : { ...fail(405, 'FULCRUM_ERR_LVS_ADMIN_METHOD', `${method} is not allowed here (use ${allowed})`), allow: allowed };

  if (segments.length === 1 && segments[0] === 'stats') return only('GET', () => ({ status: 200, body: target.stats() }));
  if (segments.length === 1 && segments[0] === 'services') return only('GET', () => ({ status: 200, body: target.describe() }));
  if (segments.length === 4 && segments[0] === 'services' && segments[2] === 'backends') {
    const [, service, , id] = segments as [string, string, string, string];
    return only('PUT, DELETE', () => {
      try {
        return method === 'PUT' ? put(target, service, id, body, log) : remove(target, service, id, log);
      } catch (err) {
        const e = err as Error & { code?: string };
        const status = e.code === undefined ? undefined : errorStatus[e.code];
        if (status === undefined) throw err;
        return fail(status, e.code!, e.message);
      }
    });
  }
  return fail(404, 'FULCRUM_ERR_LVS_ADMIN_NOT_FOUND', `no endpoint ${url} (GET /stats, GET /services, PUT|DELETE /services/<service>/backends/<id>)`);
}

function put(target: AdminTarget, service: string, id: string, text: string, log: (line: string) => void): AdminReply {
  const idOk = idSchema.safeParse(id);
  if (!idOk.success) return badRequest(`id: ${idOk.error.issues[0]!.message}`);
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (err) {
    return badRequest(`body: not valid JSON (${(err as Error).message})`);
  }
  const parsed = putBody.safeParse(raw);
  if (!parsed.success) return badRequest(parsed.error.issues.map((i) => `${fieldOf(i.path)}: ${i.message}`).join('; '));
  const weight = parsed.data.weight ?? 1;
  const result = target.putServer(service, id, { address: parsed.data.address, weight });
  const b = result.server;
  if (result.added) {
    log(`lvs admin: ${service}/${id} added (${b.address}, weight ${b.weight}${b.mac === null ? ', no flows until its MAC is known' : ''})`);
    return { status: 201, body: { service, added: true, backend: b } };
  }
  const note = weight === 0 ? ' (quiesced: its flows continue, no new ones)' : '';
  log(`lvs admin: ${service}/${id} weight ${result.previousWeight} → ${weight}${note}`);
  return { status: 200, body: { service, added: false, previousWeight: result.previousWeight, backend: b } };
}

function remove(target: AdminTarget, service: string, id: string, log: (line: string) => void): AdminReply {
  const r = target.removeServer(service, id);
  const what = r.policy === 'expire' ? `${r.flows} flows expired` : `${r.flows} flows rescheduled on their next packet`;
  log(`lvs admin: ${service}/${id} removed (${what})`);
  return { status: 200, body: { service, removed: id, policy: r.policy, flows: r.flows } };
}

function readBody(req: IncomingMessage): Promise<string | undefined> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (c: Buffer) => {
      size += c.length;
      if (size <= MAX_BODY) chunks.push(c);
    });
    req.on('end', () => resolve(size > MAX_BODY ? undefined : Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}

function send(res: ServerResponse, reply: AdminReply): void {
  const text = `${JSON.stringify(reply.body)}\n`;
  const headers: Record<string, string | number> = { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text) };
  if (reply.allow) headers.allow = reply.allow;
  res.writeHead(reply.status, headers).end(text);
}

/** Listens on host:port (port 0: any free one) and serves `route`. */
export async function startAdmin(target: AdminTarget, listen: { host: string; port: number }, log: (line: string) => void): Promise<AdminServer> {
  const server = createServer((req, res) => {
    readBody(req).then(
      (body) => {
        if (body === undefined) return send(res, badRequest(`body: larger than ${MAX_BODY} bytes`));
        let reply: AdminReply;
        try {
          reply = route(target, req.method ?? 'GET', req.url ?? '/', body, log);
        } catch (err) {
          log(`lvs admin: ${req.method} ${req.url} failed: ${(err as Error).stack}`);
          reply = fail(500, 'FULCRUM_ERR_LVS_ADMIN_INTERNAL', (err as Error).message);
        }
        send(res, reply);
      },
      () => res.destroy(),
    );
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(listen.port, listen.host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const a = server.address() as AddressInfo;
  const address = a.family === 'IPv6' ? `[${a.address}]:${a.port}` : `${a.address}:${a.port}`;
  const close = () =>
    new Promise<void>((resolve) => {
      server.close(() => resolve());
      server.closeAllConnections();
    });
  return { address, close, [Symbol.asyncDispose]: close };
}
