// nginx as a bench target (Debian's nginx-light). HTTP through the http module with upstream
// keep-alive; TCP needs the stream module, which nginx-light ships only as a dynamic module
// that may be absent: then tcp mode is unavailable and says why.
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { promisify } from 'node:util';
import type { Scenario, Target, TargetLaunch } from '../../harness/types.ts';

const run = promisify(execFile);
const STREAM_MODULE = '/usr/lib/nginx/modules/ngx_stream_module.so';

/** Upstream directives per algorithm; rr is nginx's default (weighted, smooth). */
const UPSTREAM: Record<string, string> = { rr: '', wrr: '', lc: 'least_conn;', random: 'random;', p2c: 'random two least_conn;' };

export const nginxTarget: Target & { modeUnavailable(mode: string): string | undefined } = {
  name: 'nginx',
  capabilities: ['http', ...(existsSync(STREAM_MODULE) ? ['tcp'] : []), ...Object.keys(UPSTREAM).map((a) => `algorithm:${a}`)],
  async version() {
    try {
      const { stderr } = await run('nginx', ['-v'], { timeout: 3000 });
      return /nginx\/(\S+)/.exec(stderr)?.[1];
    } catch {
      return undefined;
    }
  },
  async available() {
    return (await this.version()) ? { ok: true } : { ok: false, reason: 'nginx is not installed (apt-get install nginx-light)' };
  },
  modeUnavailable(mode: string) {
    if (mode === 'tcp' && !existsSync(STREAM_MODULE)) return `nginx has no stream module here (${STREAM_MODULE} missing; Debian's nginx-light ships it separately as libnginx-mod-stream)`;
    if (mode !== 'http' && mode !== 'tcp') return `nginx does not do ${mode}`;
    return undefined;
  },
  render(s: Scenario): TargetLaunch {
    const directive = UPSTREAM[s.algorithm.name];
    if (directive === undefined) throw new Error(`nginx has no algorithm "${s.algorithm.name}"`);
    const servers = s.backends.map((b) => `    server ${b.host}:${b.port} weight=${Math.max(1, b.weight)};`).join('\n');
    const listen = `${s.listen.host}:${s.listen.port}`;
    const body =
      s.mode === 'http'
        ? `http {
  access_log off;
  upstream be {
    ${directive}
${servers}
    keepalive 64;
  }
  server {
    listen ${listen};
    location / {
      proxy_pass http://be;
      proxy_http_version 1.1;
      proxy_set_header Connection "";
    }
  }
}`
        : `stream {
  upstream be {
    ${directive}
${servers}
  }
  server {
    listen ${listen};
    proxy_pass be;
  }
}`;
    const conf = [
      ...(s.mode === 'tcp' ? [`load_module ${STREAM_MODULE};`] : []),
      'daemon off;',
      'worker_processes 1;',
      'pid nginx.pid;',
      'error_log error.log warn;',
      'events { worker_connections 4096; }',
      body,
      '',
    ].join('\n');
    return {
      files: [{ path: 'nginx.conf', content: conf }],
      command: ['nginx', '-p', '{{dir}}', '-c', '{{dir}}/nginx.conf'],
      readyWhen: { tcp: s.listen },
    };
  },
};
