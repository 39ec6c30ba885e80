// ARP for IPv4 over Ethernet: read requests and replies, build replies (for the VIP) and requests (to find neighbours).
import { read16, read32, write16, write32 } from './checksum.ts';
import { BROADCAST_MAC, ETHERTYPE_ARP, ETH_HDR_LEN, writeEthernet } from './ethernet.ts';

export const ARP_LEN = 28;
export const ARP_FRAME_LEN = ETH_HDR_LEN + ARP_LEN;
export const ARP_REQUEST = 1;
export const ARP_REPLY = 2;

export interface ArpMessage {
  op: number;
  senderMac: Uint8Array;
  senderIp: number;
  targetMac: Uint8Array;
  targetIp: number;
}

/** Reads an ARP message for IPv4 over Ethernet at `arp`; undefined for anything else. */
export function readArp(buf: Uint8Array, arp: number, end: number): ArpMessage | undefined {
  if (end - arp < ARP_LEN) return undefined;
  if (read16(buf, arp) !== 1 || read16(buf, arp + 2) !== 0x0800 || buf[arp + 4] !== 6 || buf[arp + 5] !== 4) return undefined;
  return {
    op: read16(buf, arp + 6),
    senderMac: Uint8Array.from(buf.subarray(arp + 8, arp + 14)), // copies, not views into a reused buffer
    senderIp: read32(buf, arp + 14),
    targetMac: Uint8Array.from(buf.subarray(arp + 18, arp + 24)),
    targetIp: read32(buf, arp + 24),
  };
}

/** Writes a whole Ethernet + ARP frame at `eth`; returns its length. */
export function writeArpFrame(buf: Uint8Array, eth: number, ethDst: Uint8Array, m: ArpMessage): number {
  writeEthernet(buf, eth, ethDst, m.senderMac, ETHERTYPE_ARP);
  const arp = eth + ETH_HDR_LEN;
  write16(buf, arp, 1);
  write16(buf, arp + 2, 0x0800);
  buf[arp + 4] = 6;
  buf[arp + 5] = 4;
  write16(buf, arp + 6, m.op);
  buf.set(m.senderMac, arp + 8);
  write32(buf, arp + 14, m.senderIp);
  buf.set(m.targetMac, arp + 18);
  write32(buf, arp + 24, m.targetIp);
  return ARP_FRAME_LEN;
}

/** The reply that claims `ip` for `mac`, answering `request`. */
export function arpReplyFor(request: ArpMessage, mac: Uint8Array): ArpMessage {
  return { op: ARP_REPLY, senderMac: mac, senderIp: request.targetIp, targetMac: request.senderMac, targetIp: request.senderIp };
}

/** A broadcast who-has for `targetIp`. Write it with ethDst = BROADCAST_MAC. */
export function arpRequest(senderMac: Uint8Array, senderIp: number, targetIp: number): ArpMessage {
  return { op: ARP_REQUEST, senderMac, senderIp, targetMac: new Uint8Array(6), targetIp };
}

export { BROADCAST_MAC };
