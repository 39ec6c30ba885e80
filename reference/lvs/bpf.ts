// A classic BPF program for the balancer's AF_PACKET socket: keep ARP, and IPv4 to one of our VIPs or
// from one of our real servers (NAT replies); the kernel drops everything else before it costs us a copy.
// Offsets are from the Ethernet header (the virtio header is not part of what BPF sees).

const BPF_LD_H_ABS = 0x28;
const BPF_LD_W_ABS = 0x20;
const BPF_JEQ_K = 0x15;
const BPF_RET_K = 0x06;
const ACCEPT = 0x40000;

export interface BpfInstruction {
  code: number;
  jt: number;
  jf: number;
  k: number;
}

export interface FilterSpec {
  /** IPv4 destinations to keep (VIPs). */
  destinations: readonly number[];
  /** IPv4 sources to keep (NAT real servers). */
  sources: readonly number[];
}

export class FilterTooLargeError extends Error {
  readonly code = 'FULCRUM_ERR_LVS_BPF_SIZE';
  constructor(count: number) {
    super(`too many addresses for one BPF filter (${count}; at most 200)`);
    this.name = 'FilterTooLargeError';
  }
}

/** The program as instructions (pure; see encodeBpf for the bytes the kernel takes). */
export function buildFilter(spec: FilterSpec): BpfInstruction[] {
  const count = spec.destinations.length + spec.sources.length;
  if (count > 200) throw new FilterTooLargeError(count); // jump offsets are 8-bit
  const prog: BpfInstruction[] = [];
  // Layout: [0] ldh type; [1] jeq ARP → accept; [2] jeq IPv4 else → drop; [3] ld dst; dst checks; ld src; src checks; drop; accept.
  const dstChecks = spec.destinations.length;
  const srcChecks = spec.sources.length;
  const dropIndex = 5 + dstChecks + srcChecks;
  const acceptIndex = dropIndex + 1;
  const jump = (from: number, to: number) => to - from - 1;
  prog.push({ code: BPF_LD_H_ABS, jt: 0, jf: 0, k: 12 });
  prog.push({ code: BPF_JEQ_K, jt: jump(1, acceptIndex), jf: 0, k: 0x0806 });
  prog.push({ code: BPF_JEQ_K, jt: 0, jf: jump(2, dropIndex), k: 0x0800 });
  prog.push({ code: BPF_LD_W_ABS, jt: 0, jf: 0, k: 30 });
  spec.destinations.forEach((d, i) => prog.push({ code: BPF_JEQ_K, jt: jump(4 + i, acceptIndex), jf: 0, k: d >>> 0 }));
  prog.push({ code: BPF_LD_W_ABS, jt: 0, jf: 0, k: 26 });
  spec.sources.forEach((s, i) => prog.push({ code: BPF_JEQ_K, jt: jump(5 + dstChecks + i, acceptIndex), jf: 0, k: s >>> 0 }));
  prog.push({ code: BPF_RET_K, jt: 0, jf: 0, k: 0 });
  prog.push({ code: BPF_RET_K, jt: 0, jf: 0, k: ACCEPT });
  return prog;
}

/** struct sock_filter[] in host (little-endian) order: u16 code, u8 jt, u8 jf, u32 k. */
export function encodeBpf(prog: readonly BpfInstruction[]): Buffer {
  const out = Buffer.alloc(prog.length * 8);
  prog.forEach((ins, i) => {
    out.writeUInt16LE(ins.code, i * 8);
    out.writeUInt8(ins.jt, i * 8 + 2);
    out.writeUInt8(ins.jf, i * 8 + 3);
    out.writeUInt32LE(ins.k >>> 0, i * 8 + 4);
  });
  return out;
}
