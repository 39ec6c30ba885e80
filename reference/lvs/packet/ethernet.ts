// Ethernet II framing: offsets, ethertypes, MAC addresses as text and bytes.

export const ETH_HDR_LEN = 14;
export const ETHERTYPE_IPV4 = 0x0800;
export const ETHERTYPE_ARP = 0x0806;
export const ETHERTYPE_IPV6 = 0x86dd;
export const BROADCAST_MAC = new Uint8Array([0xff, 0xff, 0xff, 0xff, 0xff, 0xff]);

export class AddressError extends Error {
  readonly code = 'FULCRUM_ERR_LVS_ADDRESS';
  constructor(message: string) {
    super(message);
    this.name = 'AddressError';
  }
}

export function parseMac(text: string): Uint8Array {
  const parts = text.trim().split(':');
  if (parts.length !== 6 || parts.some((p) => !/^[0-9a-fA-F]{1,2}$/.test(p))) {
    throw new AddressError(`"${text}" is not a MAC address (e.g. 02:00:00:00:00:01)`);
  }
  return new Uint8Array(parts.map((p) => parseInt(p, 16)));
}

export function formatMac(mac: Uint8Array, at = 0): string {
  const out: string[] = [];
  for (let i = 0; i < 6; i++) out.push(mac[at + i]!.toString(16).padStart(2, '0'));
  return out.join(':');
}

export function etherType(frame: Uint8Array, eth: number): number {
  return (frame[eth + 12]! << 8) | frame[eth + 13]!;
}

export function setDestinationMac(frame: Uint8Array, eth: number, mac: Uint8Array): void {
  frame.set(mac, eth);
}

export function setSourceMac(frame: Uint8Array, eth: number, mac: Uint8Array): void {
  frame.set(mac, eth + 6);
}

export function macEquals(frame: Uint8Array, at: number, mac: Uint8Array): boolean {
  for (let i = 0; i < 6; i++) if (frame[at + i] !== mac[i]) return false;
  return true;
}

export function writeEthernet(frame: Uint8Array, eth: number, dst: Uint8Array, src: Uint8Array, type: number): void {
  frame.set(dst, eth);
  frame.set(src, eth + 6);
  frame[eth + 12] = type >>> 8;
  frame[eth + 13] = type & 0xff;
}
