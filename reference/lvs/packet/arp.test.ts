import { describe, expect, it } from 'vitest';
import { ARP_FRAME_LEN, ARP_REPLY, ARP_REQUEST, BROADCAST_MAC, arpReplyFor, arpRequest, readArp, writeArpFrame } from './arp.ts';
import { ETHERTYPE_ARP, ETH_HDR_LEN, etherType, formatMac, parseMac } from './ethernet.ts';
import { formatIPv4, parseIPv4 } from './ipv4.ts';

describe('ARP', () => {
  it('writes a who-has request byte for byte', () => {
    const buf = new Uint8Array(ARP_FRAME_LEN);
    writeArpFrame(buf, 0, BROADCAST_MAC, arpRequest(parseMac('02:00:00:00:00:02'), parseIPv4('198.19.1.2'), parseIPv4('198.19.1.11')));
    expect(Buffer.from(buf).toString('hex')).toBe(
      'ffffffffffff' + '020000000002' + '0806' + '0001' + '0800' + '06' + '04' + '0001' + '020000000002' + 'c6130102' + '000000000000' + 'c613010b',
    );
  });

  it('answers a request for the VIP with our MAC, addressed to the asker', () => {
    const req = new Uint8Array(ARP_FRAME_LEN);
    writeArpFrame(req, 0, BROADCAST_MAC, arpRequest(parseMac('02:00:00:00:00:10'), parseIPv4('198.19.1.10'), parseIPv4('198.19.1.100')));
    expect(etherType(req, 0)).toBe(ETHERTYPE_ARP);
    const asked = readArp(req, ETH_HDR_LEN, req.length)!;
    expect(asked.op).toBe(ARP_REQUEST);
    const reply = arpReplyFor(asked, parseMac('02:00:00:00:00:02'));
    const out = new Uint8Array(ARP_FRAME_LEN);
    writeArpFrame(out, 0, asked.senderMac, reply);
    const back = readArp(out, ETH_HDR_LEN, out.length)!;
    expect(back.op).toBe(ARP_REPLY);
    expect(formatIPv4(back.senderIp)).toBe('198.19.1.100');
    expect(formatMac(back.senderMac)).toBe('02:00:00:00:00:02');
    expect(formatIPv4(back.targetIp)).toBe('198.19.1.10');
    expect(formatMac(out, 0)).toBe('02:00:00:00:00:10');
  });

  it('rejects what is not IPv4-over-Ethernet ARP', () => {
    const buf = new Uint8Array(ARP_FRAME_LEN);
    writeArpFrame(buf, 0, BROADCAST_MAC, arpRequest(parseMac('02:00:00:00:00:02'), 1, 2));
    buf[ETH_HDR_LEN + 4] = 8;
    expect(readArp(buf, ETH_HDR_LEN, buf.length)).toBeUndefined();
    expect(readArp(buf, ETH_HDR_LEN, ETH_HDR_LEN + 10)).toBeUndefined();
  });

  it('parses MAC text and refuses bad input', () => {
    expect(formatMac(parseMac('2:0:0:a:B:ff'))).toBe('02:00:00:0a:0b:ff');
    expect(() => parseMac('02:00:00')).toThrow(/not a MAC/);
  });
});
