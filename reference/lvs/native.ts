// The native binding (native/lvs_native.c, built by node-gyp from the root binding.gyp during `npm ci`).
// Loaded lazily so pure packet code and its tests never need it.
import { createRequire } from 'node:module';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import path from 'node:path';

export interface NativeLvs {
  /** AF_PACKET socket bound to `ifname`; the BPF program (8-byte instructions) is attached before bind. */
  openPacket(ifname: string, vnetHdr: boolean, ignoreOutgoing: boolean, bpf: Buffer | null): number;
  /** Replaces an open socket's BPF program (the kernel swaps it atomically). */
  setFilter(fd: number, bpf: Buffer): void;
  /** recvmmsg into slots of `buf`: packet i at i*slotSize+headroom. Returns the count (0: nothing waiting).
   *  pktTypes[i]: PACKET_HOST=0, BROADCAST=1, MULTICAST=2, OTHERHOST=3, OUTGOING=4; bit 0x80 = truncated. */
  recvBatch(fd: number, buf: Buffer, slotSize: number, headroom: number, maxCount: number, lengths: Uint32Array, pktTypes: Uint8Array): number;
  /** sendmmsg of `count` packets given as (offset, length) into `buf`. Returns how many the kernel took. */
  sendBatch(fd: number, buf: Buffer, offsets: Uint32Array, lengths: Uint32Array, count: number): number;
  /** Raw IPv4 socket for one protocol (4 = IPIP, 47 = GRE); receives whole packets, outer header included. */
  openRawIp(protocol: number): number;
  /** A layer-3 TUN device without packet-info prefix. */
  openTun(name: string): { fd: number; name: string };
  /** write(2); -1 when it would block. */
  write(fd: number, buf: Buffer, offset: number, length: number): number;
  close(fd: number): void;
  /** Calls onReadable on the event loop whenever fd is readable (level-triggered). */
  watch(fd: number, onReadable: (status: number) => void): unknown;
  /** Stops a watch; closes the fd too when closeFd is true (after libuv lets go of it). */
  unwatch(handle: unknown, closeFd: boolean): void;
}

export class NativeUnavailableError extends Error {
  readonly code = 'FULCRUM_ERR_LVS_NATIVE_MISSING';
  constructor(where: string) {
    super(`the LVS native binding is not built (looked for ${where}); run \`npm ci\` or \`npx node-gyp rebuild\``);
    this.name = 'NativeUnavailableError';
  }
}

const here = path.dirname(fileURLToPath(import.meta.url));
const bindingPath = path.resolve(here, '../../build/Release/fulcrum_lvs.node');
let loaded: NativeLvs | undefined;

export function nativeAvailable(): boolean {
  return existsSync(bindingPath);
}

export function native(): NativeLvs {
  if (loaded) return loaded;
  if (!nativeAvailable()) throw new NativeUnavailableError(bindingPath);
  loaded = createRequire(import.meta.url)(bindingPath) as NativeLvs;
  return loaded;
}
