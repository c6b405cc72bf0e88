/** What a reconcile asks for next. */
export type Action =
  /** Converged: nothing to do until something changes (or the resync period passes). */
  | { readonly type: 'done' }
  /** Reconcile again after `ms`, even if nothing changes. */
  | { readonly type: 'requeueAfter'; readonly ms: number }
  /**
   * Waiting on something a watch will report (a child becoming ready). Not requeued by time
   * unless `recheckAfterMs` is set; `reason` is logged and may be shown in a condition.
   */
  | { readonly type: 'waitFor'; readonly reason: string; readonly recheckAfterMs?: number };

/** Converged. */
export const done = (): Action => ({ type: 'done' });
/** Reconcile again after `ms`. */
export const requeueAfter = (ms: number): Action => ({ type: 'requeueAfter', ms });
/** Wait for an event; optionally re-check after `recheckAfterMs` anyway. */
export const waitFor = (reason: string, recheckAfterMs?: number): Action =>
  recheckAfterMs === undefined ? { type: 'waitFor', reason } : { type: 'waitFor', reason, recheckAfterMs };

/** An error that retrying cannot fix: it is logged and reported, not retried with backoff. */
export interface TerminalError {
  /** Marks the error as terminal. */
  readonly terminal: true;
}

/** Whether an error says it is terminal (`terminal: true`). */
export function isTerminal(error: unknown): boolean {
  return typeof error === 'object' && error !== null && (error as { terminal?: unknown }).terminal === true;
}
