/**
 * Virtual time for the fleet simulation: `sleep` parks a promise on a timeline; `run` lets every
 * ready promise chain go as far as it can (a macrotask turn), then jumps the clock to the next
 * wake-up. The code under simulation only ever waits through the injected `sleep` and reads time
 * through `now`, so a simulated day takes seconds of real time.
 */
interface Timer {
  at: number;
  seq: number;
  wake: () => void;
}

/** A binary heap on (at, seq): wake-ups in time order, FIFO among equal times. */
class TimerHeap {
  private readonly items: Timer[] = [];
  get size(): number {
    return this.items.length;
  }
  peek(): Timer | undefined {
    return this.items[0];
  }
  push(t: Timer): void {
    const a = this.items;
    a.push(t);
    let i = a.length - 1;
    while (i > 0) {
      const p = (i - 1) >> 1;
      if (!less(a[i]!, a[p]!)) break;
      [a[i], a[p]] = [a[p]!, a[i]!];
      i = p;
    }
  }
  pop(): Timer | undefined {
    const a = this.items;
    const top = a[0];
    const last = a.pop();
    if (a.length > 0 && last) {
      a[0] = last;
      let i = 0;
      for (;;) {
        const l = 2 * i + 1;
        const r = l + 1;
        let m = i;
        if (l < a.length && less(a[l]!, a[m]!)) m = l;
        if (r < a.length && less(a[r]!, a[m]!)) m = r;
        if (m === i) break;
        [a[i], a[m]] = [a[m]!, a[i]!];
        i = m;
      }
    }
    return top;
  }
}

const less = (x: Timer, y: Timer) => x.at < y.at || (x.at === y.at && x.seq < y.seq);
const turn = () => new Promise<void>((resolve) => setImmediate(resolve));

export class VirtualTime {
  private t: number;
  private seq = 0;
  private readonly timers = new TimerHeap();

  constructor(startMs: number) {
    this.t = startMs;
  }

  readonly now = (): number => this.t;

  readonly sleep = (ms: number): Promise<void> =>
    new Promise((wake) => {
      this.timers.push({ at: this.t + Math.max(0, ms), seq: this.seq++, wake });
    });

  /** Runs until `untilMs` (virtual) or until nothing is left to wake. */
  async run(untilMs: number): Promise<void> {
    for (;;) {
      await turn();
      const next = this.timers.peek();
      if (!next || next.at > untilMs) break;
      this.t = next.at;
      // Every wake-up due at this instant, then one turn for all of them.
      while (this.timers.peek()?.at === this.t) this.timers.pop()!.wake();
    }
    this.t = Math.max(this.t, untilMs);
  }
}
