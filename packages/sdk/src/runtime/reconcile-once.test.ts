import { err, ok, type Result } from 'neverthrow';
import { describe, expect, it } from 'vitest';
import { done, requeueAfter, waitFor, type Action } from './action.js';
import { bounded, schedule } from './reconcile-once.js';

const never = new AbortController().signal;

describe('bounded', () => {
  it("passes the reconcile's result through, and calls onEnd once it ended", async () => {
    let ended = 0;
    const outcome = await bounded(() => Promise.resolve(ok(requeueAfter(5))), { timeoutMs: 1_000, stop: never, onEnd: () => ended++ });
    expect(outcome).toEqual(ok(requeueAfter(5)));
    expect(ended).toBe(1);
    const failed = await bounded(() => Promise.resolve(err({ kind: 'Boom' })), { timeoutMs: 1_000, stop: never, onEnd: () => {} });
    expect(failed).toEqual(err({ kind: 'Boom' }));
  });

  it('turns a throw (also a synchronous one) into ReconcileThrew', async () => {
    const cause = new Error('bug');
    const thrown = await bounded<never>(
      () => {
        throw cause;
      },
      { timeoutMs: 1_000, stop: never, onEnd: () => {} },
    );
    expect(thrown).toEqual(err({ kind: 'ReconcileThrew', cause }));
    const rejected = await bounded<never>(() => Promise.reject(cause), { timeoutMs: 1_000, stop: never, onEnd: () => {} });
    expect(rejected).toEqual(err({ kind: 'ReconcileThrew', cause }));
  });

  it('gives up after the timeout and aborts the signal, but calls onEnd only when the reconcile really ends', async () => {
    let finish: (result: Result<Action, never>) => void = () => {};
    let signal: AbortSignal | undefined;
    let ended = false;
    const outcome = await bounded(
      (s) => {
        signal = s;
        return new Promise<Result<Action, never>>((resolve) => (finish = resolve));
      },
      { timeoutMs: 10, stop: never, onEnd: () => (ended = true) },
    );
    expect(outcome).toEqual(err({ kind: 'ReconcileTimedOut', afterMs: 10 }));
    expect(signal?.aborted).toBe(true);
    expect(ended).toBe(false); // still in flight: the key must not run again yet
    finish(ok(done()));
    await new Promise((resolve) => setTimeout(resolve, 0));
    expect(ended).toBe(true);
  });

  it("aborts the reconcile's signal when the controller stops", async () => {
    const stop = new AbortController();
    const outcome = await bounded(
      (signal) => {
        stop.abort();
        return Promise.resolve(ok(waitFor(signal.aborted ? 'aborted' : 'running')));
      },
      { timeoutMs: 1_000, stop: stop.signal, onEnd: () => {} },
    );
    expect(outcome).toEqual(ok(waitFor('aborted')));
  });
});

describe('schedule', () => {
  const queued = (action: Action) => {
    const added: [string, number][] = [];
    schedule({ addAfter: (key, ms) => added.push([key, ms]) }, 'ns/a', action);
    return added;
  };

  it('queues again after requeueAfter, or the recheck of a waitFor; never after done or a plain waitFor', () => {
    expect(queued(requeueAfter(1_500))).toEqual([['ns/a', 1_500]]);
    expect(queued(waitFor('CA', 60_000))).toEqual([['ns/a', 60_000]]);
    expect(queued(waitFor('CA'))).toEqual([]);
    expect(queued(done())).toEqual([]);
  });
});
