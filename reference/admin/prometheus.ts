// Prometheus text exposition (format 0.0.4) of a stats snapshot, pure.
import type { Stats } from './stats.ts';

/** Label values escape backslash, double quote and newline. */
export function escapeLabel(value: string): string {
  return value.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\n/g, '\\n');
}

interface Family {
  name: string;
  help: string;
  type: 'gauge' | 'counter';
  value: (b: Stats['listeners'][number]['backends'][number]) => number;
}

const FAMILIES: readonly Family[] = [
  { name: 'fulcrum_backend_up', help: 'Whether the backend gets new work (1: up, 0: down or draining).', type: 'gauge', value: (b) => (b.state === 'up' ? 1 : 0) },
  { name: 'fulcrum_backend_active', help: 'Requests (http) or connections/flows (tcp/udp) in flight on the backend.', type: 'gauge', value: (b) => b.active },
  { name: 'fulcrum_backend_weight', help: 'Effective weight of the backend.', type: 'gauge', value: (b) => b.weight },
  { name: 'fulcrum_backend_requests_total', help: 'Requests (http) or connections/flows (tcp/udp) handed to the backend.', type: 'counter', value: (b) => b.requests },
  { name: 'fulcrum_backend_failures_total', help: 'Work the backend failed: refused/reset/timed out connections, garbled or missing answers.', type: 'counter', value: (b) => b.failures },
  { name: 'fulcrum_backend_bytes_in_total', help: 'Bytes received from the backend (counted when its connection closes; UDP per datagram).', type: 'counter', value: (b) => b.bytesIn },
  { name: 'fulcrum_backend_bytes_out_total', help: 'Bytes sent to the backend (counted when its connection closes; UDP per datagram).', type: 'counter', value: (b) => b.bytesOut },
];

export function prometheusText(stats: Stats): string {
  const lines: string[] = [];
  for (const f of FAMILIES) {
    lines.push(`# HELP ${f.name} ${f.help}`, `# TYPE ${f.name} ${f.type}`);
    for (const l of stats.listeners) {
      for (const b of l.backends) {
        lines.push(`${f.name}{listener="${escapeLabel(l.name)}",backend="${escapeLabel(b.id)}"} ${f.value(b)}`);
      }
    }
  }
  return lines.join('\n') + '\n';
}
