// DR (direct routing, IPVS ip_vs_dr_xmit): only the MACs change; the frame leaves on the link it came from
// (balancer and real servers share the L2 segment) and the real server answers the client directly.
// GSO super-frames pass as they are.
import type { Output } from './output.ts';
import type { RealServer } from './service.ts';
import type { Transmit } from './xmit.ts';

export function transmitDirect(tx: Transmit, out: Output, start: number, ipEnd: number, server: RealServer, inLink: number, now: number): void {
  tx.stats.forwarded.dr++;
  tx.emit(out, inLink, start, ipEnd - start, server.ip, now);
}
