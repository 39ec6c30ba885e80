// The simulator's event queue: a binary min-heap of (time, payload) in typed arrays, so ten million
// events allocate nothing per event. Events at the same time come out in the order they were pushed
// (a sequence number breaks ties), which keeps every run exactly repeatable.

export class EventHeap {
  private time: Float64Array;
  private seq: Float64Array;
  private payload: Int32Array;
  private n = 0;
  private counter = 0;

  constructor(capacity = 1024) {
    const c = Math.max(2, capacity);
    this.time = new Float64Array(c);
    this.seq = new Float64Array(c);
    this.payload = new Int32Array(c);
  }

  get size(): number {
    return this.n;
  }

  /** Time of the earliest event (Infinity when empty). */
  peekTime(): number {
    return this.n === 0 ? Infinity : (this.time[0] as number);
  }

  push(at: number, payload: number): void {
    if (this.n === this.time.length) this.grow();
    const time = this.time;
    const seq = this.seq;
    const pay = this.payload;
    const s = this.counter++;
    let i = this.n++;
    // Sift up: move parents down until the slot fits.
    while (i > 0) {
      const p = (i - 1) >> 1;
      const pt = time[p] as number;
      if (pt < at || (pt === at && (seq[p] as number) < s)) break;
      time[i] = pt;
      seq[i] = seq[p] as number;
      pay[i] = pay[p] as number;
      i = p;
    }
    time[i] = at;
    seq[i] = s;
    pay[i] = payload;
  }

  /** Removes the earliest event and returns its payload; its time was peekTime(). Empty: −1. */
  pop(): number {
    if (this.n === 0) return -1;
    const time = this.time;
    const seq = this.seq;
    const pay = this.payload;
    const top = pay[0] as number;
    const last = --this.n;
    if (last === 0) return top;
    const at = time[last] as number;
    const s = seq[last] as number;
    const p = pay[last] as number;
    let i = 0;
    // Sift down the last element from the root.
    for (;;) {
      const l = 2 * i + 1;
      if (l >= last) break;
      const r = l + 1;
      let c = l;
      if (r < last) {
        const lt = time[l] as number;
        const rt = time[r] as number;
        if (rt < lt || (rt === lt && (seq[r] as number) < (seq[l] as number))) c = r;
      }
      const ct = time[c] as number;
      if (at < ct || (at === ct && s < (seq[c] as number))) break;
      time[i] = ct;
      seq[i] = seq[c] as number;
      pay[i] = pay[c] as number;
      i = c;
    }
    time[i] = at;
    seq[i] = s;
    pay[i] = p;
    return top;
  }

  private grow(): void {
    const c = this.time.length * 2;
    const time = new Float64Array(c);
    const seq = new Float64Array(c);
    const payload = new Int32Array(c);
    time.set(this.time);
    seq.set(this.seq);
    payload.set(this.payload);
    this.time = time;
    this.seq = seq;
    this.payload = payload;
  }
}
