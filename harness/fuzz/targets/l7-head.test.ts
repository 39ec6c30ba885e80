// The l7-head target reaches every answer of the strict head check from its seeds (mutations then
// explore around each), and its seeds, refused or accepted, pass its properties.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { CORPUS_DIR } from '../corpus.ts';
import { headVerdict, l7HeadTarget } from './l7-head.ts';
import { parseMessages } from './llhttp.ts';

const seed = (name: string) => readFileSync(join(CORPUS_DIR, 'l7-head', `${name}.bin`));

describe('l7-head fuzz target', () => {
  it.each([
    ['get', 'ok none'],
    ['post-cl', 'ok length'],
    ['post-chunked-trailer', 'ok chunked'],
    ['http10-no-host', 'ok none'],
    ['absolute-form', 'ok none'],
    ['two-hosts', '400'],
    ['http10-chunked', '400'],
    ['asterisk-get', '400'],
    ['gzip-chunked', '501'],
    ['long-target', '414'],
    ['many-headers', '431'],
    ['big-headers', '431'],
    ['big-body', '413'],
  ])('seed %s: the head check answers %s, and the properties hold', (name, want) => {
    const heads = parseMessages(seed(name), 'request').heads;
    expect(heads.length).toBeGreaterThan(0);
    const v = headVerdict(heads[0]!);
    expect(v.ok ? `ok ${v.body.kind}` : String(v.status)).toBe(want);
    expect(() => l7HeadTarget.check(new Uint8Array(seed(name)))).not.toThrow();
  });
});
