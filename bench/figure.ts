import { readFileSync } from 'node:fs';

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

/** CPU milliseconds of this thread so far (Linux: its `/proc` stat, so another thread's work, a worker's, is not in it), if known. */
export function threadCpuMs(): number | undefined {
  try {
    const fields = readFileSync(`/proc/self/task/${process.pid}/stat`, 'utf8').split(') ')[1]?.split(' ') ?? [];
    const ticks = Number(fields[11]) + Number(fields[12]); // utime + stime, fields 14 and 15 of stat(5)
    return Number.isFinite(ticks) ? ticks * (1000 / 100) : undefined; // USER_HZ is 100 on Linux
  } catch {
    return undefined;
  }
}
