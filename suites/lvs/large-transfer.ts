// Large transfers: 20 MB up and 20 MB down through the mode, checked by sha256. This is where
// offloads (GSO super-frames, partial checksums) and the tunnel's MTU bite: a NAT that miscomputes
// checksums or a TUN that forwards frames larger than the path MTU stalls or corrupts here.
import type { Check, Verdict } from '../../harness/index.ts';
import { LVS_MODES, MODE_NAMES, lvsScenario, type LvsMode } from './plan.ts';

export const TRANSFER_BYTES = 20_000_000;
/** Bound for both directions together; on a quiet machine this takes 1–3 s. */
export const TRANSFER_TIMEOUT_MS = 45_000;

function largeTransferCheck(mode: LvsMode): Check {
  return {
    id: `lvs.${mode}.large-transfer`,
    title: `${MODE_NAMES[mode]}: 20 MB up and 20 MB down arrive intact`,
    requires: ['tcp', `lvs:${mode}`],
    notes: `One upload of ${TRANSFER_BYTES} bytes (POST, the real server hashes it) and one download of ${TRANSFER_BYTES} bytes (the client hashes it), each on a new connection, within ${TRANSFER_TIMEOUT_MS / 1000} s; both sha256 digests must match.`,
    scenario: lvsScenario(mode),
    sharesTopology: true,
    async run({ topology }): Promise<Verdict> {
      const r = await topology.clients[0]!.transfer({ upBytes: TRANSFER_BYTES, downBytes: TRANSFER_BYTES, timeoutMs: TRANSFER_TIMEOUT_MS });
      if (!r.ok) return { status: 'fail', reason: r.error, evidence: { elapsedMs: r.elapsedMs } };
      const evidence = { backend: r.backend, up: r.up, down: r.down, elapsedMs: r.elapsedMs };
      if (!r.up?.match) return { status: 'fail', reason: `the upload arrived changed (${r.up?.bytes ?? 0} bytes, digest differs)`, evidence };
      if (!r.down?.match) return { status: 'fail', reason: `the download arrived changed (${r.down?.bytes ?? 0} bytes, digest differs)`, evidence };
      return { status: 'pass', evidence, metrics: { transferMs: r.elapsedMs, megabitsPerSecond: Math.round((2 * TRANSFER_BYTES * 8) / 1000 / r.elapsedMs) } };
    },
  };
}

export const largeTransferChecks: readonly Check[] = LVS_MODES.map(largeTransferCheck);
