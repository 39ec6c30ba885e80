// Capture mode: the raw bytes of each connection, as the backend received them, bounded per
// connection and in total. Checks parse them (harness/http1) to count what really arrived.
import type { Socket } from 'node:net';
import { CAPTURE_CONNECTION_BYTES, CAPTURE_TOTAL_BYTES, type CaptureSnapshot, type CapturedConnection, type AddressPort } from './protocol.ts';

interface Entry {
  peer: AddressPort;
  at: number;
  chunks: Buffer[];
  size: number;
  truncated: boolean;
  closed: boolean;
  /** Bytes the agent puts back into the stream itself (unshift) that will be seen a second time. */
  skip: number;
}

/** A tap on one socket; `replayed(n)` says the next n bytes are a replay of bytes already seen. */
export interface CaptureTap {
  replayed(bytes: number): void;
}

const NO_TAP: CaptureTap = { replayed: () => {} };

export class CaptureStore {
  on = false;
  private entries: Entry[] = [];
  private total = 0;
  private dropped = 0;

  /** Starts capturing a new connection (when on); attach before any other 'data' listener. */
  tap(socket: Socket, peer: AddressPort): CaptureTap {
    if (!this.on) return NO_TAP;
    if (this.total >= CAPTURE_TOTAL_BYTES) {
      this.dropped++;
      return NO_TAP;
    }
    const entry: Entry = { peer, at: Date.now(), chunks: [], size: 0, truncated: false, closed: false, skip: 0 };
    this.entries.push(entry);
    socket.on('data', (chunk: Buffer) => {
      if (entry.skip > 0) {
        const skipped = Math.min(entry.skip, chunk.length);
        entry.skip -= skipped;
        chunk = chunk.subarray(skipped);
      }
      const room = Math.min(CAPTURE_CONNECTION_BYTES - entry.size, CAPTURE_TOTAL_BYTES - this.total);
      if (chunk.length > room) entry.truncated = true;
      const kept = chunk.subarray(0, Math.max(0, room));
      if (kept.length === 0) return;
      entry.chunks.push(Buffer.from(kept));
      entry.size += kept.length;
      this.total += kept.length;
    });
    socket.once('close', () => (entry.closed = true));
    return { replayed: (bytes) => (entry.skip += bytes) };
  }

  /** Forgets what was captured; connections still open keep being captured from here on (a
   *  balancer's pooled connection carries the next check's requests). */
  clear(): void {
    this.entries = this.entries.filter((e) => !e.closed);
    for (const e of this.entries) {
      e.chunks = [];
      e.size = 0;
      e.truncated = false;
      e.at = Date.now();
    }
    this.total = 0;
    this.dropped = 0;
  }

  snapshot(): CaptureSnapshot {
    const connections: CapturedConnection[] = this.entries.filter((e) => e.size > 0 || e.truncated).map((e) => ({
      peer: e.peer,
      at: e.at,
      bytes: Buffer.concat(e.chunks).toString('latin1'),
      truncated: e.truncated,
      closed: e.closed,
    }));
    return { on: this.on, connections, dropped: this.dropped };
  }
}
