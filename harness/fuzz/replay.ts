// Re-runs one saved input through its target: ok once the bug it found is fixed.
import { fuzzTarget } from './targets/index.ts';

export function replayCrash(target: string, input: Uint8Array): { ok: true } | { ok: false; error: string } {
  try {
    fuzzTarget(target).check(input);
    return { ok: true };
  } catch (err) {
    return { ok: false, error: err instanceof Error ? `${err.name}: ${err.message}` : String(err) };
  }
}
