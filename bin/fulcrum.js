#!/usr/bin/env node
// Entry point: runs the CLI from a cached esbuild bundle of the TypeScript sources (bin/bundle.js),
// or through tsx when bundling is not possible (FULCRUM_NO_BUNDLE=1 forces tsx).
import { pathToFileURL } from 'node:url';

async function loadMain() {
  if (process.env.FULCRUM_NO_BUNDLE !== '1') {
    try {
      const { bundledEntry } = await import('./bundle.js');
      return await import(pathToFileURL(await bundledEntry('cli/main.ts')).href);
    } catch (err) {
      if (process.env.FULCRUM_DEBUG) process.stderr.write(`fulcrum: bundle unavailable, using tsx: ${err.message}\n`);
    }
  }
  const { register } = await import('tsx/esm/api');
  register();
  return import('../cli/main.ts');
}

const { main } = await loadMain();
process.exitCode = await main(process.argv.slice(2));
