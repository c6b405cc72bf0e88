/**
 * Ordered steps (operatorkit's resource list, without its context flags): named steps run in
 * order on apply and in reverse on cleanup. A step answers `next` to go on, or an `Action`
 * (`requeueAfter`, `waitFor`) to stop this pass there. Every step is timed, counted and logged.
 */
import { type ResultAsync, okAsync } from 'neverthrow';
import type { KubeObject, Persisted } from '../resource.js';
import { done, type Action } from './action.js';
import type { ReconcileContext, Reconciler } from './controller.js';
import type { RuntimeMetrics } from './metrics.js';

/** A step's answer: go on to the next step, or stop this pass with an action. */
export type StepOutcome = { readonly type: 'next' } | Action;

/** Go on to the next step. */
export const next = (): StepOutcome => ({ type: 'next' });

/** One named step. */
export interface Step<T extends KubeObject, I extends KubeObject, E> {
  /** Step name, in logs and metrics. */
  readonly name: string;
  /** Runs on apply, in list order. */
  readonly reconcile: (object: Persisted<T>, ctx: ReconcileContext<T, I>) => ResultAsync<StepOutcome, E>;
  /** Runs on cleanup, in reverse list order. @default nothing to clean up */
  readonly cleanup?: (object: Persisted<T>, ctx: ReconcileContext<T, I>) => ResultAsync<StepOutcome, E>;
}

/** A failed step: which one, and its error. */
export interface StepError<E> {
  /** Discriminant. */
  readonly kind: 'StepFailed';
  /** Name of the failed step. */
  readonly step: string;
  /** Whether it failed applying or cleaning up. */
  readonly phase: 'apply' | 'cleanup';
  /** The step's error. */
  readonly cause: E;
  /** Set when `cause` is terminal. */
  readonly terminal?: true;
}

/** The apply and cleanup reconcilers of a step list (fit for `withFinalizer`). */
export interface Steps<T extends KubeObject, I extends KubeObject, E> {
  /** Runs the steps in order. */
  readonly apply: Reconciler<T, I, StepError<E>>;
  /** Runs the steps' cleanups in reverse order. */
  readonly cleanup: Reconciler<T, I, StepError<E>>;
}

/** Builds apply (in order) and cleanup (in reverse) from a list of steps. */
export function steps<T extends KubeObject, I extends KubeObject, E>(
  list: readonly Step<T, I, E>[],
  options: { readonly metrics?: RuntimeMetrics } = {},
): Steps<T, I, E> {
  const run =
    (phase: 'apply' | 'cleanup', ordered: readonly Step<T, I, E>[]): Reconciler<T, I, StepError<E>> =>
    (object, ctx) => {
      const go = (index: number): ResultAsync<Action, StepError<E>> => {
        const step = ordered[index];
        if (step === undefined) return okAsync(done());
        const fn = phase === 'apply' ? step.reconcile : step.cleanup;
        if (fn === undefined) return go(index + 1);
        const started = performance.now();
        const labels = { controller: ctx.controller, step: step.name, phase };
        return fn(object, ctx)
          .map((outcome) => {
            const seconds = (performance.now() - started) / 1000;
            options.metrics?.stepTime.observe(labels, seconds);
            options.metrics?.stepTotal.inc({ ...labels, result: outcome.type });
            ctx.log.debug({ step: step.name, phase, outcome: outcome.type, ms: Math.round(seconds * 1000) }, 'step');
            return outcome;
          })
          .mapErr((cause): StepError<E> => {
            options.metrics?.stepTotal.inc({ ...labels, result: 'error' });
            ctx.log.debug({ step: step.name, phase }, 'step failed');
            const terminal = typeof cause === 'object' && cause !== null && (cause as { terminal?: unknown }).terminal === true;
            return { kind: 'StepFailed', step: step.name, phase, cause, ...(terminal ? { terminal: true as const } : {}) };
          })
          .andThen((outcome) => (outcome.type === 'next' ? go(index + 1) : okAsync(outcome)));
      };
      return go(0);
    };
  return { apply: run('apply', list), cleanup: run('cleanup', [...list].reverse()) };
}
