// The nginx null target's config: one worker, a fixed 200, no logging, keep-alive not cut at 1000.
import { describe, expect, it } from 'vitest';
import { nginxNullLaunch } from './nginx-null.ts';

describe('nginx null target', () => {
  it('listens where asked, returns 200 without an upstream, and keeps connections open', () => {
    const launch = nginxNullLaunch('127.30.0.254', 4242);
    const conf = launch.files[0]?.content ?? '';
    expect(conf).toContain('listen 127.30.0.254:4242;');
    expect(conf).toContain('return 200 "ok";');
    expect(conf).toMatch(/worker_processes 1;/);
    expect(conf).toMatch(/access_log off;/);
    expect(conf).toMatch(/keepalive_requests 100000000;/);
    expect(conf).not.toMatch(/proxy_pass|upstream/);
    expect(launch.command).toEqual(['nginx', '-p', '{{dir}}', '-c', '{{dir}}/nginx.conf', '-e', 'stderr']);
    expect(launch.readyWhen).toEqual({ tcp: { host: '127.30.0.254', port: 4242 } });
  });
});
