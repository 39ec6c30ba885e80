// Short units: no source function, method or arrow over 100 lines and no source file over 600 lines
// (tests are exempt). Read with the TypeScript compiler's parser, so a brace in a string cannot fool it.
import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const ROOMS = ['bin', 'cli', 'bench', 'suites', 'harness', 'docker', 'reports', 'reference', 'scripts'];
const MAX_FUNCTION_LINES = 100;
const MAX_FILE_LINES = 600;

function sourceFiles(dir: string, out: string[] = []): string[] {
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) {
      if (entry.name !== 'node_modules' && entry.name !== 'build') sourceFiles(path, out);
    } else if (/\.(ts|js|mjs|cjs)$/.test(entry.name) && !/\.(test|spec)\.ts$|\.d\.ts$/.test(entry.name)) {
      out.push(path);
    }
  }
  return out;
}

function lineCount(text: string): number {
  return text.endsWith('\n') ? text.split('\n').length - 1 : text.split('\n').length;
}

/** A readable name for a function-like node: its own name, or what it is assigned to. */
function nameOf(node: ts.SignatureDeclaration, file: ts.SourceFile): string {
  if (node.name) return node.name.getText(file);
  const parent = node.parent;
  if (parent && (ts.isVariableDeclaration(parent) || ts.isPropertyAssignment(parent) || ts.isPropertyDeclaration(parent))) {
    return parent.name.getText(file);
  }
  return ts.isConstructorDeclaration(node) ? 'constructor' : '(anonymous)';
}

/** "path:line name (N lines)" for every function-like node over the limit in one file. */
function longFunctions(path: string, text: string, max = MAX_FUNCTION_LINES): string[] {
  const file = ts.createSourceFile(path, text, ts.ScriptTarget.Latest, true);
  const found: string[] = [];
  const visit = (node: ts.Node): void => {
    if (ts.isFunctionLike(node) && 'body' in node && node.body) {
      const start = file.getLineAndCharacterOfPosition(node.getStart(file)).line;
      const end = file.getLineAndCharacterOfPosition(node.getEnd()).line;
      const lines = end - start + 1;
      if (lines > max) found.push(`${path}:${start + 1} ${nameOf(node, file)} (${lines} lines)`);
    }
    ts.forEachChild(node, visit);
  };
  visit(file);
  return found;
}

describe('unit size', () => {
  const files = ROOMS.flatMap((room) => sourceFiles(join(ROOT, room))).map((abs) => ({
    path: relative(ROOT, abs),
    text: readFileSync(abs, 'utf8'),
  }));

  it('reads the sources', () => {
    expect(files.length).toBeGreaterThan(200);
  });

  it(`no source function, method or arrow is over ${MAX_FUNCTION_LINES} lines`, () => {
    expect(files.flatMap((f) => longFunctions(f.path, f.text))).toEqual([]);
  });

  it(`no source file is over ${MAX_FILE_LINES} lines`, () => {
    const long = files.filter((f) => lineCount(f.text) > MAX_FILE_LINES).map((f) => `${f.path} (${lineCount(f.text)} lines)`);
    expect(long).toEqual([]);
  });

  it('measures what it claims: it finds a long arrow, method and nested function, and counts their lines', () => {
    const body = (n: number) => Array.from({ length: n }, (_, i) => `  x += ${i};`).join('\n');
    const text = [
      `export const arrow = () => {\n${body(99)}\n};`, // 101 lines
      `export const fits = () => {\n${body(98)}\n};`, // 100 lines: at the limit, allowed
      `class K {\n  method() {\n${body(100)}\n  }\n}`, // 102 lines
      `function outer() {\n  function inner() {\n${body(120)}\n  }\n}`, // outer 124, inner 122
      'const s = "}}}}";',
    ].join('\n');
    expect(longFunctions('x.ts', text)).toEqual([
      'x.ts:1 arrow (101 lines)',
      'x.ts:203 method (102 lines)',
      'x.ts:306 outer (124 lines)',
      'x.ts:307 inner (122 lines)',
    ]);
  });
});
