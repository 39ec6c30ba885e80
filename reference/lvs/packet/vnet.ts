// The 10-byte virtio-net header that PACKET_VNET_HDR puts before every frame, received and sent
// (struct virtio_net_hdr, host byte order = little-endian here). It carries checksum-offload and GSO state:
// keeping it lets super-frames and partial checksums cross the balancer without the kernel touching them.

export const VNET_HDR_LEN = 10;
/** flags: the L4 checksum is partial; finish it at csumStart + csumOffset. */
export const VNET_F_NEEDS_CSUM = 1;
/** flags: the checksum was already verified. */
export const VNET_F_DATA_VALID = 2;
export const GSO_NONE = 0;
export const GSO_TCPV4 = 1;
export const GSO_UDP = 3;
export const GSO_TCPV6 = 4;
export const GSO_UDP_L4 = 5;
export const GSO_ECN = 0x80;

export interface VnetHeader {
  flags: number;
  gsoType: number;
  hdrLen: number;
  gsoSize: number;
  /** Offset of the L4 header from the start of the frame (after this header). */
  csumStart: number;
  /** Offset of the checksum field from csumStart. */
  csumOffset: number;
}

export function readVnet(buf: Uint8Array, at: number): VnetHeader {
  const v = new DataView(buf.buffer, buf.byteOffset + at, VNET_HDR_LEN);
  return {
    flags: v.getUint8(0),
    gsoType: v.getUint8(1),
    hdrLen: v.getUint16(2, true),
    gsoSize: v.getUint16(4, true),
    csumStart: v.getUint16(6, true),
    csumOffset: v.getUint16(8, true),
  };
}

export function writeVnet(buf: Uint8Array, at: number, h: VnetHeader): void {
  const v = new DataView(buf.buffer, buf.byteOffset + at, VNET_HDR_LEN);
  v.setUint8(0, h.flags);
  v.setUint8(1, h.gsoType);
  v.setUint16(2, h.hdrLen, true);
  v.setUint16(4, h.gsoSize, true);
  v.setUint16(6, h.csumStart, true);
  v.setUint16(8, h.csumOffset, true);
}

/** A header that asks nothing of the kernel (fully built frames, ARP replies). */
export function clearVnet(buf: Uint8Array, at: number): void {
  buf.fill(0, at, at + VNET_HDR_LEN);
}

/** Hot-path accessors without allocation. */
export function vnetFlags(buf: Uint8Array, at: number): number {
  return buf[at]!;
}
export function vnetGsoType(buf: Uint8Array, at: number): number {
  return buf[at + 1]! & ~GSO_ECN;
}
export function vnetGsoSize(buf: Uint8Array, at: number): number {
  return buf[at + 4]! | (buf[at + 5]! << 8);
}
export function vnetCsumStart(buf: Uint8Array, at: number): number {
  return buf[at + 6]! | (buf[at + 7]! << 8);
}
export function setVnetCsumStart(buf: Uint8Array, at: number, v: number): void {
  buf[at + 6] = v & 0xff;
  buf[at + 7] = (v >>> 8) & 0xff;
}
export function setVnetHdrLen(buf: Uint8Array, at: number, v: number): void {
  buf[at + 2] = v & 0xff;
  buf[at + 3] = (v >>> 8) & 0xff;
}
