// The key nginx's ip_hash uses: the first three octets of an IPv4 client (a /24 sticks together),
// packed as 0x00AABBCC for the iphash scheduler to run nginx's own mixing loop over.
// nginx hashes all 16 bytes of an IPv6 client; a 32-bit key cannot carry them, so an IPv6
// client gets a 24-bit murmur3 fold of its address instead (still one key per address).
import { addressBytes } from './address.ts';
import { murmur3Bytes } from './hash.ts';

export function ipHashKey(address: string): number | undefined {
  const b = addressBytes(address);
  if (!b) return undefined;
  if (b.length === 4) return (b[0]! << 16) | (b[1]! << 8) | b[2]!;
  return murmur3Bytes(b) & 0xffffff;
}
