// Every error code in the sources is in the catalogue, every catalogued code is used somewhere, and
// README's "Error codes" section lists exactly the catalogue (as fastify tests that every code is documented).
import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { ERROR_CATALOGUE, type CatalogueEntry } from './errors.ts';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const ROOMS = ['bin', 'cli', 'bench', 'suites', 'harness', 'docker', 'reports', 'reference'];
const CATALOGUE_FILE = 'reports/schema/errors.ts';
const CODE = /\bFULCRUM_ERR_[A-Z0-9_]+\b/g;
/** An error class's code: `readonly code = '…'`. Every one must be a FULCRUM_ERR_ code. */
const CLASS_CODE = /readonly\s+code\s*=\s*['"]([^'"]+)['"]/g;

interface Source {
  path: string;
  text: string;
}

function sources(dir: string, out: Source[] = []): Source[] {
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) {
      if (entry.name !== 'node_modules' && entry.name !== 'build') sources(path, out);
    } else if (/\.(ts|js)$/.test(entry.name) && !/\.(test|spec)\.ts$|\.d\.ts$/.test(entry.name)) {
      out.push({ path: relative(ROOT, path), text: readFileSync(path, 'utf8') });
    }
  }
  return out;
}

/** The README section under "## Error codes", up to the next "## " heading. */
function readmeSection(readme: string): string {
  const start = readme.search(/^## Error codes$/m);
  if (start < 0) return '';
  const rest = readme.slice(start + 1);
  const end = rest.search(/^## /m);
  return end < 0 ? rest : rest.slice(0, end);
}

/** What is wrong between the sources, the catalogue and README; empty when they agree. */
function catalogueProblems(files: readonly Source[], catalogue: readonly CatalogueEntry[], readme: string): string[] {
  const problems: string[] = [];
  const known = new Set(catalogue.map((e) => e.code));
  const used = new Map<string, string>();
  for (const f of files) {
    if (f.path === CATALOGUE_FILE) continue;
    for (const [code] of f.text.matchAll(CODE)) if (!used.has(code)) used.set(code, f.path);
    for (const [, code] of f.text.matchAll(CLASS_CODE)) {
      if (!code!.startsWith('FULCRUM_ERR_')) problems.push(`${f.path}: error code ${code} is not a FULCRUM_ERR_ code`);
    }
  }
  for (const [code, path] of used) if (!known.has(code)) problems.push(`${code} (${path}) is not in the catalogue`);
  for (const code of known) if (!used.has(code)) problems.push(`${code} is catalogued but no source uses it`);
  if (known.size !== catalogue.length) problems.push('the catalogue lists a code twice');
  for (const e of catalogue) {
    if (!e.meaning || e.meaning.includes('\n')) problems.push(`${e.code}: the meaning must be one line`);
  }
  const documented = new Set(readmeSection(readme).match(CODE) ?? []);
  for (const code of known) if (!documented.has(code)) problems.push(`${code} is not in README's "Error codes"`);
  for (const code of documented) if (!known.has(code)) problems.push(`README's "Error codes" lists ${code}, which the catalogue does not`);
  return problems;
}

describe('the error catalogue', () => {
  const files = ROOMS.flatMap((room) => sources(join(ROOT, room)));
  const readme = readFileSync(join(ROOT, 'README.md'), 'utf8');

  it('matches the sources and README', () => {
    expect(files.length).toBeGreaterThan(200);
    expect(catalogueProblems(files, ERROR_CATALOGUE, readme)).toEqual([]);
  });

  it('fails on a code the catalogue lacks, a catalogued code nobody uses, a stray code shape and an undocumented code', () => {
    const planted: Source[] = [
      { path: 'harness/x.ts', text: "class A extends Error { readonly code = 'FULCRUM_ERR_KNOWN'; }" },
      { path: 'harness/y.ts', text: "class B extends Error { readonly code = 'FULCRUM_ERR_NEW'; }\nclass C extends Error { readonly code = 'E_OTHER'; }" },
    ];
    const catalogue: CatalogueEntry[] = [
      { code: 'FULCRUM_ERR_KNOWN', meaning: 'known', where: 'serve', surfaces: { exit: 1 } },
      { code: 'FULCRUM_ERR_STALE', meaning: 'stale', where: 'serve', surfaces: { exit: 1 } },
    ];
    const doc = '# x\n## Error codes\n| `FULCRUM_ERR_KNOWN` | … |\n| `FULCRUM_ERR_GONE` | … |\n## Next\nFULCRUM_ERR_STALE\n';
    expect(catalogueProblems(planted, catalogue, doc).sort()).toEqual(
      [
        'harness/y.ts: error code E_OTHER is not a FULCRUM_ERR_ code',
        'FULCRUM_ERR_NEW (harness/y.ts) is not in the catalogue',
        'FULCRUM_ERR_STALE is catalogued but no source uses it',
        'FULCRUM_ERR_STALE is not in README\'s "Error codes"',
        'README\'s "Error codes" lists FULCRUM_ERR_GONE, which the catalogue does not',
      ].sort(),
    );
  });
});
