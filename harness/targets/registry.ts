// Resolves --target: a built-in name (reference, or a file in ./files/) or a path to a target file.
import { existsSync, readdirSync } from 'node:fs';
import { basename, extname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { FileTarget } from './file-target.ts';
import { loadTargetFile } from './target-file.ts';
import { referenceTarget } from './reference.ts';
import { nftablesTarget } from './nftables.ts';
import type { Target } from '../types.ts';

const FILES_DIR = fileURLToPath(new URL('./files/', import.meta.url));

export class UnknownTargetError extends Error {
  readonly code = 'FULCRUM_ERR_UNKNOWN_TARGET';
}

function builtInFiles(): Map<string, string> {
  const files = existsSync(FILES_DIR) ? readdirSync(FILES_DIR).filter((f) => /\.ya?ml$/.test(f)) : [];
  return new Map(files.map((f) => [basename(f, extname(f)), `${FILES_DIR}${f}`]));
}

/** 'reference' first, then the kernel baseline (nftables, LVS modes only), then the target files shipped in harness/targets/files/. */
export function builtInTargetNames(): string[] {
  return ['reference', 'nftables', ...[...builtInFiles().keys()].sort()];
}

function looksLikePath(spec: string): boolean {
  return spec.includes('/') || /\.ya?ml$/i.test(spec);
}

/** A built-in target by name, or a target file by path. Throws UnknownTargetError for an unknown
 *  name and ConfigError for an unreadable or invalid file. */
export async function resolveTarget(spec: string): Promise<Target> {
  if (spec === 'reference') return referenceTarget();
  if (spec === 'nftables') return nftablesTarget();
  const shipped = builtInFiles().get(spec);
  if (shipped) return new FileTarget(await loadTargetFile(shipped), `built-in ${spec}`);
  if (looksLikePath(spec) || existsSync(spec)) return new FileTarget(await loadTargetFile(spec), spec);
  throw new UnknownTargetError(`unknown target "${spec}": built-in targets are ${builtInTargetNames().join(', ')}; or give the path to a target file (.yaml)`);
}
