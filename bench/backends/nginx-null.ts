// A null target in C: nginx (one worker) answering every request with 200 "ok" from its config, no
// upstream, no logging. The default null target is the bench backend host's own null backend, a
// node:http server: on this machine it answers ~15–20k req/s on one core, so a ceiling measured
// against it is node's, not the generator's. Against this one, wrk and h2load show their own ceiling.
import { freePort, spawnBalancer, TopologyStartError, type TargetLaunch } from '../../harness/index.ts';
import { findOnPath } from '../load/external.ts';

export const NULL_TARGETS = ['node', 'nginx'] as const;
export type NullTargetKind = (typeof NULL_TARGETS)[number];

/** The launch: files and command (pure). keepalive_requests is raised so that no generator's
 *  connection is closed every 1000 requests (nginx's default) during a run. */
export function nginxNullLaunch(host: string, port: number): TargetLaunch {
  const conf = `daemon off;
master_process on;
worker_processes 1;
pid {{dir}}/nginx.pid;
error_log stderr warn;
events { worker_connections 4096; }
http {
  access_log off;
  client_body_temp_path {{dir}}/body;
  proxy_temp_path {{dir}}/proxy;
  fastcgi_temp_path {{dir}}/fastcgi;
  uwsgi_temp_path {{dir}}/uwsgi;
  scgi_temp_path {{dir}}/scgi;
  keepalive_requests 100000000;
  keepalive_timeout 60s;
  server {
    listen ${host}:${port};
    location / { default_type text/plain; return 200 "ok"; }
  }
}
`;
  return { files: [{ path: 'nginx.conf', content: conf }], command: ['nginx', '-p', '{{dir}}', '-c', '{{dir}}/nginx.conf', '-e', 'stderr'], readyWhen: { tcp: { host, port } } };
}

export interface NginxNull {
  url: string;
  /** Its process group, for pinning. */
  pid: number;
  stop(): Promise<void>;
}

export async function startNginxNull(host: string): Promise<NginxNull> {
  if (!findOnPath('nginx')) throw new TopologyStartError('--null-target nginx needs nginx on PATH: install it with apt-get install nginx-light (or run bash scripts/ensure-system-packages.sh)');
  const port = await freePort(host);
  const launch = nginxNullLaunch(host, port);
  const proc = await spawnBalancer('nginx-null', launch, (m) => new TopologyStartError(m));
  try {
    await proc.waitReady({ mode: 'http', algorithm: { name: 'rr' }, listen: { host, port }, backends: [] }, 15_000);
  } catch (err) {
    await proc.stop();
    throw err;
  }
  return { url: `http://${host}:${port}/`, pid: proc.proc.pid, stop: () => proc.stop() };
}
