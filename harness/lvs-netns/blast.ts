// Sends a bounded burst of UDP frames from an AF_PACKET socket (runs inside the client namespace):
//   blast.ts <ifname> <dst-mac> <src-ip> <dst-ip> <dst-port> <count> <flows> [max-seconds]
// Frames are built once (one per flow, distinct source ports) and sent in batches with sendmmsg.
// Stops after <count> frames or max-seconds (default 10), whichever first; prints {"sent","seconds"}.
import { readFileSync } from 'node:fs';
import { lvs } from '../../reference/index.ts';

const { native, parseMac, writeEthernet, ETHERTYPE_IPV4, writeIPv4Header, PROTO_UDP, parseIPv4, write16, fillL4Checksum } = lvs;

const [ifname, dstMac, srcIp, dstIp, dstPort, countText, flowsText, maxSecondsText] = process.argv.slice(2);
const count = Number(countText);
const flows = Math.max(1, Math.min(4096, Number(flowsText)));
const maxMs = Number(maxSecondsText ?? 10) * 1000;
const PAYLOAD = 18; // 60-byte frames: the smallest Ethernet frame, the hardest case per packet
const FRAME = 14 + 20 + 8 + PAYLOAD;
const BATCH = 256;

const srcMac = parseMac(readFileSync(`/sys/class/net/${ifname}/address`, 'utf8'));
const buf = Buffer.alloc(flows * FRAME);
for (let f = 0; f < flows; f++) {
  const at = f * FRAME;
  writeEthernet(buf, at, parseMac(dstMac!), srcMac, ETHERTYPE_IPV4);
  writeIPv4Header(buf, at + 14, { totalLength: 20 + 8 + PAYLOAD, id: f, dontFragment: true, ttl: 64, protocol: PROTO_UDP, source: parseIPv4(srcIp!), destination: parseIPv4(dstIp!) });
  write16(buf, at + 34, 10_000 + f);
  write16(buf, at + 36, Number(dstPort));
  write16(buf, at + 38, 8 + PAYLOAD);
  fillL4Checksum(buf, at + 14, at + 34, at + FRAME, PROTO_UDP);
}
const n = native();
const fd = n.openPacket(ifname!, false, true, null);
const offsets = new Uint32Array(BATCH);
const lengths = new Uint32Array(BATCH).fill(FRAME);
let sent = 0;
const started = performance.now();
try {
  while (sent < count && performance.now() - started < maxMs) {
    const k = Math.min(BATCH, count - sent);
    for (let i = 0; i < k; i++) offsets[i] = ((sent + i) % flows) * FRAME;
    const took = n.sendBatch(fd, buf, offsets, lengths, k);
    sent += took;
    if (took < k) await new Promise((r) => setImmediate(r)); // socket buffer full: let the kernel drain
  }
} finally {
  n.close(fd);
}
process.stdout.write(`${JSON.stringify({ sent, seconds: (performance.now() - started) / 1000 })}\n`);
