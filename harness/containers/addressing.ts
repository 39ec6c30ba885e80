// Addresses for container networks. Every subnet lies inside 198.18.0.0/15 (RFC 2544's range for
// network benchmarking), never anything routable. Subnets the harness picks itself come from
// 198.19.0.0/16 so they never collide with the engine's own pool (198.18.0.0/16, see
// docker/ensure-engine.sh); the user may name any /24 inside the /15.

export const SAFE_RANGE = { base: ipToInt('198.18.0.0'), prefix: 15 } as const;
const AUTO_BASE = ipToInt('198.19.0.0');

export function ipToInt(ip: string): number {
  const parts = ip.split('.');
  if (parts.length !== 4) throw new Error(`not an IPv4 address: ${ip}`);
  return parts.reduce((acc, part) => {
    const n = Number(part);
    if (!/^\d{1,3}$/.test(part) || n > 255) throw new Error(`not an IPv4 address: ${ip}`);
    return acc * 256 + n;
  }, 0);
}

export function intToIp(n: number): string {
  return [24, 16, 8, 0].map((shift) => Math.floor(n / 2 ** shift) % 256).join('.');
}

export interface Subnet {
  base: number;
  prefix: number;
}

export function parseSubnet(cidr: string): Subnet {
  const [ip, bits] = cidr.split('/');
  const prefix = Number(bits);
  if (!ip || !Number.isInteger(prefix) || prefix < 8 || prefix > 30) throw new Error(`not a CIDR subnet: ${cidr}`);
  const base = ipToInt(ip);
  if (base % 2 ** (32 - prefix) !== 0) throw new Error(`${cidr} has host bits set`);
  return { base, prefix };
}

export function formatSubnet(s: Subnet): string {
  return `${intToIp(s.base)}/${s.prefix}`;
}

export function subnetContains(outer: Subnet, ip: number): boolean {
  const size = 2 ** (32 - outer.prefix);
  return ip >= outer.base && ip < outer.base + size;
}

/** Whether a whole subnet lies inside 198.18.0.0/15. */
export function isSafeSubnet(s: Subnet): boolean {
  return s.prefix >= SAFE_RANGE.prefix && subnetContains(SAFE_RANGE, s.base) && subnetContains(SAFE_RANGE, s.base + 2 ** (32 - s.prefix) - 1);
}

/** A /24 in 198.19.0.0/16 chosen by `index` (0–255); callers pick random indexes and retry on overlap. */
export function autoSubnet(index: number): Subnet {
  if (!Number.isInteger(index) || index < 0 || index > 255) throw new Error(`subnet index out of range: ${index}`);
  return { base: AUTO_BASE + index * 256, prefix: 24 };
}

/** Host number `n` within a subnet: .1 is the engine's bridge (the host), so hosts use 2 and up. */
export function hostAddress(s: Subnet, n: number): string {
  const size = 2 ** (32 - s.prefix);
  if (!Number.isInteger(n) || n < 2 || n >= size - 1) throw new Error(`host number ${n} is outside ${formatSubnet(s)} (2..${size - 2})`);
  return intToIp(s.base + n);
}

/** The engine's bridge address (the host's side) on a network: the first address. */
export function gatewayAddress(s: Subnet): string {
  return intToIp(s.base + 1);
}
