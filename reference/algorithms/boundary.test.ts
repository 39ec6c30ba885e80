// Import boundary: schedulers and key extraction are pure. No network modules, no harness tools,
// no hidden clock or randomness (time and randomness come in through PickContext).
import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const here = fileURLToPath(new URL('.', import.meta.url));
const roots = [here, join(here, '..', 'keys')];
const self = fileURLToPath(import.meta.url);

const forbiddenImports = /from\s+['"](node:)?(net|http|https|http2|dgram|tls|child_process|testcontainers|autocannon)(\/[^'"]*)?['"]|import\(\s*['"](node:)?(net|http|https|http2|dgram|tls|testcontainers|autocannon)['"]/;
const forbiddenCalls = /Math\.random|Date\.now|performance\.now|new Date\(\)|process\.hrtime/;

function tsFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
    e.isDirectory() ? tsFiles(join(dir, e.name)) : e.name.endsWith('.ts') ? [join(dir, e.name)] : [],
  );
}

describe('import boundary of reference/algorithms and reference/keys', () => {
  const files = roots.flatMap(tsFiles).filter((f) => f !== self);

  it('finds the files it checks', () => {
    expect(files.length).toBeGreaterThan(30);
  });

  it('imports no network modules, testcontainers or autocannon, and reads no clock or Math.random', () => {
    const offenders = files.flatMap((f) => {
      // Comments may mention what is forbidden; code may not.
      const code = readFileSync(f, 'utf8').replace(/\/\*[\s\S]*?\*\//g, '').replace(/(^|[^:])\/\/.*$/gm, '$1');
      const found: string[] = [];
      if (forbiddenImports.test(code)) found.push(`${relative(here, f)}: forbidden import`);
      if (forbiddenCalls.test(code)) found.push(`${relative(here, f)}: clock or Math.random`);
      return found;
    });
    expect(offenders).toEqual([]);
  });

  it('the check itself catches a violation', () => {
    expect(forbiddenImports.test(`import { connect } from 'node:net';`)).toBe(true);
    expect(forbiddenImports.test(`import autocannon from 'autocannon';`)).toBe(true);
    expect(forbiddenImports.test(`import { GenericContainer } from "testcontainers";`)).toBe(true);
    expect(forbiddenCalls.test('const t = Date.now();')).toBe(true);
    expect(forbiddenCalls.test('Math.random() < 0.5')).toBe(true);
    expect(forbiddenImports.test(`import { createHash } from 'node:crypto';`)).toBe(false);
  });
});
