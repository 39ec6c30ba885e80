// Bundles the TypeScript sources with esbuild into node_modules/.cache/fulcrum/<hash>/ and returns the
// path of an entry's JavaScript. Every balancer, agent and command process starts through here: loading
// ~200 modules through tsx's loader hooks costs ~1 s of CPU per process, a bundle ~0.2 s, and a
// conformance run starts four processes per check. The cache key covers every source file's path, size
// and mtime, so an edited source is never run stale. Callers fall back to tsx when this throws.
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, statSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const SOURCE_ROOMS = ['cli', 'reference', 'harness', 'suites', 'bench', 'reports', 'docker'];
/** Programs started as their own processes; one build covers all, sharing chunks. */
export const ENTRIES = [
  'cli/main.ts',
  'harness/agent/main.ts',
  'harness/containers/client-agent-main.ts',
  'bench/backends/host-main.ts',
];
const CACHE = process.env.FULCRUM_BUNDLE_CACHE ?? join(ROOT, 'node_modules', '.cache', 'fulcrum');

function sourceFiles(dir, out = []) {
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) {
      if (entry.name !== 'node_modules' && entry.name !== 'fixtures') sourceFiles(path, out);
    } else if (entry.name.endsWith('.ts') && !entry.name.endsWith('.test.ts') && !entry.name.endsWith('.spec.ts')) {
      out.push(path);
    }
  }
  return out;
}

function fingerprint() {
  const hash = createHash('sha1');
  hash.update(readFileSync(new URL(import.meta.url)));
  // The checkout's own path too: worktrees share node_modules (and so this cache), and a bundle
  // carries its sources' absolute URLs.
  hash.update(ROOT);
  hash.update(readFileSync(join(ROOT, 'package-lock.json')));
  for (const room of SOURCE_ROOMS) {
    if (!existsSync(join(ROOT, room))) continue;
    for (const file of sourceFiles(join(ROOT, room)).sort()) {
      const st = statSync(file);
      hash.update(`${relative(ROOT, file)}\0${st.size}\0${st.mtimeMs}\n`);
    }
  }
  return hash.digest('hex').slice(0, 16);
}

/** import.meta.url in a bundle is the bundle's own URL; each file needs its source URL back, since
 *  the code finds its neighbours (target files, package.json, native addon) relative to itself. */
const sourceUrlPlugin = {
  name: 'source-import-meta',
  setup(build) {
    // .js too: bin/bundle.js itself is bundled into harness code that starts agents.
    build.onLoad({ filter: /\.[jt]s$/ }, (args) => {
      if (args.path.includes('node_modules')) return undefined;
      const url = pathToFileURL(args.path).href;
      const contents = readFileSync(args.path, 'utf8')
        .replaceAll('import.meta.url', JSON.stringify(url))
        .replaceAll('import.meta.dirname', JSON.stringify(dirname(args.path)));
      return { contents, loader: args.path.endsWith('.ts') ? 'ts' : 'js' };
    });
  },
};

async function build(outdir) {
  const esbuild = await import('esbuild');
  const tmp = `${outdir}.tmp-${process.pid}`;
  try {
    await esbuild.build({
      absWorkingDir: ROOT,
      entryPoints: ENTRIES.filter((e) => existsSync(join(ROOT, e))),
      outdir: tmp,
      outbase: ROOT,
      bundle: true,
      splitting: true,
      format: 'esm',
      platform: 'node',
      target: 'node20',
      packages: 'external',
      sourcemap: 'inline',
      logLevel: 'silent',
      plugins: [sourceUrlPlugin],
    });
  } finally {
    // The build runs in an esbuild service process; end it, or the caller keeps a stray child.
    await esbuild.stop();
  }
  try {
    renameSync(tmp, outdir); // atomic: concurrent builders race harmlessly, one wins
  } catch {
    rmSync(tmp, { recursive: true, force: true });
  }
}

let built;

/** Absolute path of the bundled JavaScript for `entry` (one of ENTRIES, relative to the repo). */
export async function bundledEntry(entry) {
  if (!ENTRIES.includes(entry)) throw new Error(`not a bundle entry: ${entry}`);
  built ??= (async () => {
    const outdir = join(CACHE, fingerprint());
    if (!existsSync(outdir)) {
      mkdirSync(CACHE, { recursive: true });
      await build(outdir);
      pruneOld(outdir);
    }
    return outdir;
  })();
  return join(await built, entry.replace(/\.ts$/, '.js'));
}

/** Keeps the cache small: old builds of earlier sources are removed. */
function pruneOld(keep) {
  for (const name of readdirSync(CACHE)) {
    const path = join(CACHE, name);
    if (path !== keep && !name.includes('.tmp-') && Date.now() - statSync(path).mtimeMs > 60_000) {
      rmSync(path, { recursive: true, force: true });
    }
  }
}
