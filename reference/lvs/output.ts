// Where the engine puts the frames it sends: per-link queues of (offset, length) into one arena Buffer
// that holds both the receive slots (rewritten in place) and a scratch area for frames it builds.
// Pure bookkeeping; the I/O layer drains the queues with one sendmmsg per link.

export interface Queue {
  offsets: Uint32Array;
  lengths: Uint32Array;
  count: number;
}

export class Output {
  readonly queues: Queue[];
  private scratchTop: number;

  constructor(
    readonly arena: Buffer,
    links: number,
    private readonly scratchStart: number,
    capacity = 4096,
    /** Called when the scratch area or a queue is full: the I/O layer sends everything and calls reset(). */
    private readonly flush: (out: Output) => void = () => {
      throw new RangeError('output full and no flush configured');
    },
  ) {
    this.queues = Array.from({ length: links }, () => ({ offsets: new Uint32Array(capacity), lengths: new Uint32Array(capacity), count: 0 }));
    this.scratchTop = scratchStart;
  }

  /** Queues arena[offset, offset+length) for `link`. */
  send(link: number, offset: number, length: number): void {
    let q = this.queues[link]!;
    if (q.count === q.offsets.length) {
      this.flush(this);
      q = this.queues[link]!;
    }
    q.offsets[q.count] = offset;
    q.lengths[q.count] = length;
    q.count++;
  }

  /** Reserves `length` bytes of scratch for a new frame; returns its offset in the arena. */
  scratch(length: number): number {
    if (this.scratchTop + length > this.arena.length) {
      this.flush(this);
      if (this.scratchTop + length > this.arena.length) throw new RangeError(`frame of ${length} bytes does not fit the scratch area`);
    }
    const at = this.scratchTop;
    this.scratchTop += length;
    return at;
  }

  /** After the queues were sent: empty them and free the scratch. */
  reset(): void {
    for (const q of this.queues) q.count = 0;
    this.scratchTop = this.scratchStart;
  }

  get pending(): number {
    return this.queues.reduce((n, q) => n + q.count, 0);
  }
}
