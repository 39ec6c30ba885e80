// Measures the LVS connection table's memory for N flows (default 1M): `node --expose-gc --import tsx bench/lvs/measure-conntrack.ts [N]`.
// Prints JSON: bytes per flow and the total, from process memory before and after filling the table.
import { lvs } from '../../reference/index.ts';

const { ConnTable } = lvs;

const flows = Number(process.argv[2] ?? 1_000_000);
global.gc?.();
const before = process.memoryUsage();
const started = performance.now();
const table = new ConnTable(flows);
for (let i = 0; i < flows; i++) {
  // Distinct clients and ports, as a SYN flood from a /12 would look.
  table.add(6, (0x0a000000 + (i >>> 4)) >>> 0, i & 0xffff, 0xc6130164, 80, i % 16, 0xc6130200 + (i % 16), 80, 0);
}
const fillMs = performance.now() - started;
let found = 0;
const lookupStart = performance.now();
for (let i = 0; i < flows; i++) if (table.find(6, (0x0a000000 + (i >>> 4)) >>> 0, i & 0xffff, 0xc6130164, 80) >= 0) found++;
const lookupMs = performance.now() - lookupStart;
global.gc?.();
const after = process.memoryUsage();
const bytes = after.rss - before.rss;
const arrays = after.arrayBuffers - before.arrayBuffers;
console.log(
  JSON.stringify({
    flows: table.size,
    found,
    rssMB: +(bytes / 2 ** 20).toFixed(1),
    typedArrayMB: +(arrays / 2 ** 20).toFixed(1),
    bytesPerFlow: +(arrays / flows).toFixed(1),
    fillNsPerFlow: +((fillMs * 1e6) / flows).toFixed(0),
    lookupNsPerFlow: +((lookupMs * 1e6) / flows).toFixed(0),
  }),
);
