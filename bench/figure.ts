/** One benchmark figure: a value and, where it has one, a baseline from the same run. */
export interface Figure {
  readonly name: string;
  readonly value: number;
  readonly unit: string;
  readonly baseline?: number;
  /** value / baseline. */
  readonly ratio?: number;
}

/** Calls `fn` repeatedly for about `ms` milliseconds and returns calls per second. */
export function rate(fn: () => void, ms: number): number {
  for (let i = 0; i < 100; i++) fn(); // warm up
  let calls = 0;
  const start = performance.now();
  let elapsed = 0;
  while (elapsed < ms) {
    for (let i = 0; i < 50; i++) fn();
    calls += 50;
    elapsed = performance.now() - start;
  }
  return (calls / elapsed) * 1000;
}
