/**
 * A token bucket: up to `burst` calls at once, refilled at `qps` per second. Waiters are
 * served in order. `qps: 0` (or Infinity) disables limiting.
 */
export class TokenBucket {
  private tokens: number;
  private last: number;
  private queue: Promise<void> = Promise.resolve();

  constructor(
    private readonly qps: number,
    private readonly burst: number,
    private readonly now: () => number = () => performance.now(),
  ) {
    this.tokens = burst;
    this.last = now();
  }

  /** Whether this bucket limits anything. */
  get limited(): boolean {
    return this.qps > 0 && Number.isFinite(this.qps);
  }

  /** Takes a token if one is free right now; returns the wait in ms otherwise (0 = taken). */
  tryTake(): number {
    if (!this.limited) return 0;
    this.refill();
    if (this.tokens >= 1) {
      this.tokens -= 1;
      return 0;
    }
    return ((1 - this.tokens) / this.qps) * 1000;
  }

  /** Waits until a token is free, then takes it. */
  take(): Promise<void> {
    if (!this.limited) return Promise.resolve();
    const turn = this.queue.then(async () => {
      for (let wait = this.tryTake(); wait > 0; wait = this.tryTake()) {
        await new Promise((resolve) => setTimeout(resolve, Math.ceil(wait)));
      }
    });
    this.queue = turn;
    return turn;
  }

  private refill(): void {
    const now = this.now();
    this.tokens = Math.min(this.burst, this.tokens + ((now - this.last) / 1000) * this.qps);
    this.last = now;
  }
}
