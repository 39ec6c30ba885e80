import { describe, expect, it } from 'vitest';
import { buildFilter, encodeBpf, FilterTooLargeError, type BpfInstruction } from './bpf.ts';
import { ARP_FRAME_LEN, BROADCAST_MAC, arpRequest, writeArpFrame } from './packet/arp.ts';
import { parseIPv4 } from './packet/ipv4.ts';
import { parseMac } from './packet/ethernet.ts';
import { ethFrame, ipPacket } from './packet/fixtures.test-helpers.ts';

/** A tiny interpreter for the four instructions the builder uses, to run the program on real frames. */
function run(prog: readonly BpfInstruction[], frame: Uint8Array): number {
  let a = 0;
  for (let pc = 0; pc < prog.length; pc++) {
    const ins = prog[pc]!;
    if (ins.code === 0x28) a = (frame[ins.k]! << 8) | frame[ins.k + 1]!;
    else if (ins.code === 0x20) a = ((frame[ins.k]! << 24) | (frame[ins.k + 1]! << 16) | (frame[ins.k + 2]! << 8) | frame[ins.k + 3]!) >>> 0;
    else if (ins.code === 0x15) pc += a === ins.k ? ins.jt : ins.jf;
    else if (ins.code === 0x06) return ins.k;
    else throw new Error(`unexpected opcode ${ins.code}`);
  }
  throw new Error('fell off the end');
}

describe('BPF filter', () => {
  const prog = buildFilter({ destinations: [parseIPv4('198.19.1.100'), parseIPv4('198.19.1.101')], sources: [parseIPv4('198.19.2.11')] });

  it('keeps ARP, IPv4 to a VIP and IPv4 from a real server; drops the rest', () => {
    const arp = new Uint8Array(ARP_FRAME_LEN);
    writeArpFrame(arp, 0, BROADCAST_MAC, arpRequest(parseMac('02:00:00:00:00:01'), 1, 2));
    expect(run(prog, arp)).toBeGreaterThan(0);
    expect(run(prog, ethFrame(ipPacket({ dst: '198.19.1.101' })))).toBeGreaterThan(0);
    expect(run(prog, ethFrame(ipPacket({ src: '198.19.2.11', dst: '198.19.1.10' })))).toBeGreaterThan(0);
    expect(run(prog, ethFrame(ipPacket({ src: '198.19.2.12', dst: '198.19.1.10' })))).toBe(0);
    const v6 = ethFrame(ipPacket());
    v6[12] = 0x86;
    v6[13] = 0xdd;
    expect(run(prog, v6)).toBe(0);
  });

  it('encodes struct sock_filter little-endian, 8 bytes each', () => {
    const bytes = encodeBpf(prog);
    expect(bytes.length).toBe(prog.length * 8);
    expect(bytes.subarray(0, 8).toString('hex')).toBe('280000000c000000');
  });

  it('refuses more addresses than 8-bit jumps can reach', () => {
    expect(() => buildFilter({ destinations: new Array(201).fill(1), sources: [] })).toThrow(FilterTooLargeError);
  });
});
