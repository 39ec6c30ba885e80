import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const script = fileURLToPath(new URL('./ensure-engine.sh', import.meta.url));

function run(env: Record<string, string | undefined>) {
  return spawnSync('bash', [script], { env: { ...process.env, ...env }, encoding: 'utf8', timeout: 60_000 });
}

describe('docker/ensure-engine.sh', () => {
  it('is quiet and succeeds when an engine answers (idempotent: run twice)', () => {
    for (let i = 0; i < 2; i++) {
      const result = run({});
      expect(result.stderr + result.stdout).toBe('');
      expect(result.status).toBe(0);
    }
  });

  it('refuses to guess when DOCKER_HOST points at nothing, and says what to do', () => {
    const result = run({ DOCKER_HOST: 'unix:///nonexistent/fulcrum-test.sock' });
    expect(result.status).toBe(1);
    expect(result.stderr).toMatch(/DOCKER_HOST=unix:\/\/\/nonexistent\/fulcrum-test\.sock is set but the engine does not answer/);
    expect(result.stderr).toMatch(/unset DOCKER_HOST/);
  });
});
