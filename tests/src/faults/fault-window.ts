/**
 * Requests per minute while a fault persists, the caps they are held to, and the line each fault
 * lane prints (internal).
 *
 * How the runtime retries, and so where the caps come from: a controller retries a failed key
 * through its work queue (per-key backoff doubling from 5 ms, at most 10 retries a second per
 * queue after a burst of 100); a watcher relists or re-watches after a backoff doubling from
 * 200 ms to 30 s (a watch that ends within a second counts as a failure); the kube client of the
 * worlds tries each call up to 3 times, 20–200 ms apart or after `Retry-After`. A hot loop — a
 * retry without backoff — runs at the speed of a loopback round trip: thousands of requests a
 * second, for as long as the fault lasts. The rate is counted after the fault's first second (the
 * backoffs' ramp), and the caps sit between the two, per kind of endpoint (see each constant).
 */
import { expect } from 'vitest';

/**
 * Requests per minute of the KVM operator against a host API that fails everything. After the
 * ramp a key is retried about every 0.6–1.3 s, and each retry of a Cluster re-applies its 21 host
 * objects at once, each with up to 3 client attempts (the worlds' kube client): some 60 requests
 * per retry, up to 200 in 3 s; its 22 watchers relist 0.8 s apart and more. About 4,000 a minute
 * at most; 100 a second is above that and far below a hot loop.
 */
export const HOST_RATE_CAP = 6_000;

/**
 * Requests per minute of the aws-operator against an EC2 that fails everything: each retry of a
 * Cluster describes its 6 kinds of resources at once, each with up to 3 SDK attempts (18
 * requests), a few times in 3 s after the ramp: under 2,000 a minute.
 */
export const EC2_RATE_CAP = 2_400;

/**
 * Requests per minute of controllers that make a few calls per retry to the faulted endpoint:
 * the PKI controllers to Vault or to the host, the KVM driver to a guest's API. Ten a second.
 */
export const CALL_RATE_CAP = 600;

/**
 * The first second of a fault, not counted: the ramp of the backoffs (the work queue's retries of a
 * key come 5 ms, 10 ms… 640 ms apart, by design), after which a retry loop that backs off has
 * slowed down and a hot loop has not.
 */
export const RAMP_MS = 1_000;

/** How long a fault persists after its ramp, counted, in milliseconds. */
export const FAULT_WINDOW_MS = 3_000;

/** A fault lane's case: the fault held for a window, how the operator's requests are counted, and what convergence is. */
export interface FaultCase {
  /** The lane, as printed (`kvm-host`). */
  readonly lane: string;
  /** The fault, as printed (`503`, `watch drops`). */
  readonly fault: string;
  /** Requests per minute the operator may make to the faulted endpoint meanwhile. */
  readonly cap: number;
  /** Injects the fault; called again every `repeatMs` when given (watch drops, compaction). */
  readonly inject: () => void;
  /** Lifts the fault. */
  readonly lift: () => void;
  /** How many requests of the operator to the faulted endpoint the fake's request log holds. */
  readonly count: () => number;
  /**
   * How many times the fault has met the operator so far: its requests the fake answered with the
   * fault, or the watches it cut. At least one must, or the case proves nothing.
   */
  readonly met: () => number;
  /** Re-injects the fault this often during the window. @default once, at its start */
  readonly repeatMs?: number;
  /** @default {@link FAULT_WINDOW_MS} */
  readonly windowMs?: number;
  /** Runs while the fault persists, from its injection (e.g. to see the status it causes). @default nothing */
  readonly meanwhile?: () => Promise<void>;
  /** Resolves once the operator has converged (and checked nothing was made twice); rejects otherwise. */
  readonly converged: () => Promise<void>;
}

/** What a fault lane measured. */
export interface FaultReport {
  /** Requests counted while the fault persisted, after its ramp. */
  readonly requests: number;
  /** Those requests scaled to a minute. */
  readonly perMinute: number;
  /** Seconds from lifting the fault to convergence. */
  readonly convergedSeconds: number;
}

/** A fake whose faults a case lifts and whose request log it counts (fake API server, Vault, EC2). */
export interface FaultedFake<F> {
  readonly faults: { clear(): void };
  readonly requests: { count(filter?: F): number };
}

/**
 * A fault case's `lift`, `count` and `met` on `fake`: the fault's rules cleared; the requests
 * `only` picks (the operator's); met by those the fake marked with the fault, or by every one of
 * them with `marked: false` (a request held by a pause is not marked).
 */
export function fakeCounts<F extends { readonly faulted?: boolean }>(
  fake: FaultedFake<F>,
  only: Omit<F, 'faulted'>,
  options: { readonly marked?: boolean } = {},
): Pick<FaultCase, 'lift' | 'count' | 'met'> {
  const met = { ...only, ...(options.marked === false ? {} : { faulted: true }) } as F;
  return {
    lift: () => fake.faults.clear(),
    count: () => fake.requests.count(only as F),
    met: () => fake.requests.count(met),
  };
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * Injects the fault, holds it for its ramp and the window, asserts the operator's request rate in
 * the window (the ramp left out) is within the cap, lifts it, waits for convergence, and prints
 * `lane: fault → N req/min during the fault, converged in X s`.
 */
export async function runFaultCase(c: FaultCase): Promise<FaultReport> {
  const metBefore = c.met();
  c.inject();
  const repeat = c.repeatMs === undefined ? undefined : setInterval(c.inject, c.repeatMs);
  // settled at once: a rejection waits here to be thrown after the window
  const meanwhile = c.meanwhile?.().then(
    () => undefined,
    (error: unknown) => error,
  );
  await sleep(RAMP_MS);
  const before = c.count();
  const started = Date.now();
  await sleep(c.windowMs ?? FAULT_WINDOW_MS);
  const failed = await meanwhile;
  if (failed !== undefined) throw failed;
  clearInterval(repeat);
  const requests = c.count() - before;
  const met = c.met() - metBefore;
  c.lift();
  const liftedAt = Date.now();
  const perMinute = Math.round((requests * 60_000) / (liftedAt - started));
  expect(met, `${c.lane}: ${c.fault} never met the operator`).toBeGreaterThan(0);
  expect(requests, `${c.lane}: the request log lost records during the window`).toBeGreaterThanOrEqual(0);
  expect(perMinute, `${c.lane}: ${c.fault} → ${perMinute} req/min`).toBeLessThanOrEqual(c.cap);
  await c.converged();
  const convergedSeconds = (Date.now() - liftedAt) / 1000;
  console.log(`${c.lane}: ${c.fault} → ${perMinute} req/min during the fault, converged in ${convergedSeconds.toFixed(1)} s`);
  return { requests, perMinute, convergedSeconds };
}
