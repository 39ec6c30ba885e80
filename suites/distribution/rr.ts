// Round robin: over N sequential requests (a new connection each) every backend gets N/k ± 1 and
// the sequence is a rotation of the backends (HAProxy reg-tests balance/balance-rr.vtc checks the
// same cyclic order). Deterministic: no statistics, no tolerance beyond the ±1 of a partial cycle.
import { countBy, isRotation } from './sequence.ts';
import { failedLine, sequentialHttp } from '../traffic.ts';
import type { Check } from '../../harness/index.ts';

const CYCLES = 10;

export const rrCheck: Check = {
  id: 'distribution.rr',
  title: 'Round robin gives each backend an exact cyclic share',
  requires: ['http', 'algorithm:rr'],
  notes: `${CYCLES} cycles of sequential requests on new connections; pass when every backend is within ±1 of N/k and the sequence repeats its first k picks (k distinct backends).`,
  scenario: (base) => ({ ...base, mode: 'http', algorithm: { name: 'rr' } }),
  async run({ topology }) {
    const ids = topology.backends.map((b) => b.id);
    const n = CYCLES * ids.length;
    const { sequence, failures } = await sequentialHttp(topology.clients[0]!, n);
    const counts = countBy(sequence, ids);
    const evidence = { sequence: sequence.join(' '), counts, failures: failures.slice(0, 10) };
    if (failures.length > 0) return { status: 'fail', reason: failedLine(failures, n), evidence };
    const off = ids.filter((id) => Math.abs((counts[id] ?? 0) - n / ids.length) > 1);
    if (off.length > 0) return { status: 'fail', reason: `share off by more than 1 for ${off.map((id) => `${id}=${counts[id]}`).join(', ')} (expected ${n / ids.length} each)`, evidence };
    if (!isRotation(sequence, ids.length)) return { status: 'fail', reason: 'the sequence is not a rotation of the backends', evidence };
    return { status: 'pass', evidence, metrics: { requests: n, maxDeviation: Math.max(...ids.map((id) => Math.abs((counts[id] ?? 0) - n / ids.length))) } };
  },
};
