/**
 * One reconcile of one key, what a controller's worker does with each key it takes.
 *
 * ## Guarantees
 * - The reconcile gets the object as it is now in the cache, or as this controller's reconciles
 *   last wrote it while the cache does not show that write yet (`own-writes.ts`); a key no
 *   longer in the cache is dropped.
 * - A paused object is not reconciled: it gets `Paused=True` once, and `Paused=False` on the first
 *   reconcile after the pause (`report-paused.ts`; only kinds with a status).
 * - The key stays in flight until the reconcile really ends, also after its timeout, so it never
 *   runs twice at once.
 * - A reconcile that throws fails with `ReconcileThrew`; one that runs longer than
 *   `reconcileTimeoutMs` fails with `ReconcileTimedOut` and its signal aborts (as it does when
 *   the controller stops).
 * - Success forgets the key's backoff and schedules the returned action; a failure goes to the
 *   error policy (by default terminal errors are not retried, others back off). Time, results
 *   and errors are counted in the runtime metrics; a terminal error (`terminal: true`, what
 *   controller-runtime's `reconcile.TerminalError` is) also as terminal, a throw also as a panic.
 */
import { randomUUID } from 'node:crypto';
import { err, type Result } from 'neverthrow';
import { formatError } from '../errors.js';
import type { KubeObject, Persisted } from '../resource.js';
import { done, isTerminal, type Action } from './action.js';
import type { ControllerRun } from './controller-run.js';
import type { ControllerFailure, ReconcileContext } from './controller.js';
import { isPaused } from './predicates.js';
import { reportPaused } from './report-paused.js';
import { objectKey } from './store.js';
import type { WorkQueue } from './workqueue.js';

/** Limits of one reconcile, see {@link bounded}. */
export interface ReconcileLimits {
  /** The reconcile is abandoned (its signal aborts) after this long. */
  readonly timeoutMs: number;
  /** Aborts the reconcile's signal (the controller stops). */
  readonly stop: AbortSignal;
  /** Called once the reconcile really ends (also after its timeout). */
  readonly onEnd: () => void;
}

/** Reconciles the object of `key`; calls `release` once the reconcile (if any) has ended. */
export async function reconcileOnce<T extends KubeObject, I extends KubeObject, E>(
  run: ControllerRun<T, I, E>,
  key: string,
  release: () => void,
): Promise<void> {
  const stored = run.informer.store.get(key);
  if (stored === undefined) return release();
  const cached = run.ownWrites.freshest(stored);
  if (isPaused(cached)) {
    await reportPausedOf(run, cached, true);
    return release();
  }
  const object = await reportPausedOf(run, cached, false);
  const started = performance.now();
  const outcome = await bounded((signal) => run.options.reconcile(object, reconcileContext(run, object, signal)), {
    timeoutMs: run.options.reconcileTimeoutMs ?? 300_000,
    stop: run.env.signal,
    onEnd: release,
  });
  run.env.metrics.reconcileTime.observe({ controller: run.options.name }, (performance.now() - started) / 1000);
  settle(run, key, object, outcome);
}

/**
 * Runs `reconcile` with a signal that aborts when `limits.stop` does or after `limits.timeoutMs`.
 * Resolves to its result, to `ReconcileThrew` if it throws, or to `ReconcileTimedOut` once the time
 * is up (the reconcile may still be running then: `limits.onEnd` tells when it ends).
 */
export async function bounded<E>(
  reconcile: (signal: AbortSignal) => PromiseLike<Result<Action, E>>,
  limits: ReconcileLimits,
): Promise<Result<Action, E | ControllerFailure>> {
  const abort = new AbortController();
  const onStop = () => abort.abort();
  limits.stop.addEventListener('abort', onStop, { once: true });
  const running = (async (): Promise<Result<Action, E | ControllerFailure>> => {
    try {
      return await reconcile(abort.signal);
    } catch (cause) {
      return err({ kind: 'ReconcileThrew', cause });
    }
  })();
  // The key stays "in flight" until the reconcile really ends, so it never runs twice at once.
  void running.finally(() => {
    limits.stop.removeEventListener('abort', onStop);
    limits.onEnd();
  });
  let timer: ReturnType<typeof setTimeout> | undefined;
  const timedOut = new Promise<Result<Action, ControllerFailure>>((resolve) => {
    timer = setTimeout(() => {
      abort.abort();
      // eslint-disable-next-line neverthrow/must-use-result -- handed to the race below, which matches it
      resolve(err({ kind: 'ReconcileTimedOut', afterMs: limits.timeoutMs }));
    }, limits.timeoutMs);
  });
  const outcome = await Promise.race([running, timedOut]);
  clearTimeout(timer);
  return outcome;
}

/** Queues `key` again as `action` asks: after `requeueAfter`'s delay, or a `waitFor`'s recheck. */
export function schedule(queue: Pick<WorkQueue, 'addAfter'>, key: string, action: Action): void {
  if (action.type === 'requeueAfter') queue.addAfter(key, action.ms);
  else if (action.type === 'waitFor' && action.recheckAfterMs !== undefined) queue.addAfter(key, action.recheckAfterMs);
}

/** Reports the Paused condition, for kinds with a status. */
function reportPausedOf<T extends KubeObject, I extends KubeObject, E>(
  run: ControllerRun<T, I, E>,
  object: Persisted<T>,
  paused: boolean,
): Promise<Persisted<T>> {
  if (run.options.resource.statusSchema === undefined) return Promise.resolve(object);
  return reportPaused(run.ownWrites.tracked(object), object, paused, run.log);
}

function reconcileContext<T extends KubeObject, I extends KubeObject, E>(
  run: ControllerRun<T, I, E>,
  object: Persisted<T>,
  signal: AbortSignal,
): ReconcileContext<T, I> {
  const { options, env, informer, ownWrites, log } = run;
  return {
    controller: options.name,
    kube: env.kube,
    client: ownWrites.tracked(object),
    store: informer.store,
    cache: (descriptor, selection) => env.informers.get(descriptor, selection).store,
    log: log.child({ key: objectKey(object), reconcileID: randomUUID() }),
    events: env.events,
    signal,
  };
}

/** Records the outcome, and schedules the key as the action or the error policy says. */
function settle<T extends KubeObject, I extends KubeObject, E>(
  run: ControllerRun<T, I, E>,
  key: string,
  object: Persisted<T>,
  outcome: Result<Action, E | ControllerFailure>,
): void {
  const { options, env, queue, log } = run;
  const controller = options.name;
  outcome.match(
    (action) => {
      queue.forget(key);
      schedule(queue, key, action);
      env.metrics.reconcileTotal.inc({ controller, result: action.type === 'requeueAfter' ? 'requeue_after' : 'success' });
    },
    (error) => {
      env.metrics.reconcileFailed(controller, error);
      const decision = options.errorPolicy?.(error, object) ?? (isTerminal(error) ? done() : 'backoff');
      const retryIn = decision === 'backoff' ? queue.addRateLimited(key) : (schedule(queue, key, decision), undefined);
      log.warn({ key, err: describe(error), retryInMs: retryIn }, 'reconcile failed');
    },
  );
}

function describe(error: unknown): unknown {
  if (typeof error !== 'object' || error === null) return error;
  const { kind } = error as { kind?: unknown };
  // the whole cause chain: the outer kind alone (`ApplyFailed`) would hide what happened
  return { kind, message: formatError(error) };
}
