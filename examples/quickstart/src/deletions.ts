/**
 * After the summary: waits for the end (the abort signal) and reports each followed Cluster that
 * gets deleted (by kubectl, say) once the world says it is cleaned up.
 */
import { ClusterResource } from '@kubeception/sdk';
import { isNotFound } from '@kubeception/sdk/kube';
import type { World } from './world.js';

/** Options of {@link watchDeletions}. */
export interface WatchDeletionsOptions {
  readonly namespace: string;
  readonly signal?: AbortSignal | undefined;
  readonly report: (line: string) => void;
  /** What was cleaned up, for the report. */
  readonly cleanedUp: string;
  /** @default 250 */
  readonly pollMs?: number;
}

/** Waits `ms`, or less if `signal` aborts (its listener removed either way). */
const sleep = (ms: number, signal?: AbortSignal) =>
  new Promise<void>((resolve) => {
    const done = () => {
      clearTimeout(timer);
      signal?.removeEventListener('abort', done);
      resolve();
    };
    const timer = setTimeout(done, ms);
    signal?.addEventListener('abort', done, { once: true });
  });

/** Resolves when `signal` aborts (never without one). */
export async function watchDeletions(world: World, names: readonly string[], options: WatchDeletionsOptions): Promise<void> {
  const { signal, report } = options;
  const pollMs = options.pollMs ?? 250;
  const live = new Set(names);
  const cleaning = new Set<string>();
  while (!signal?.aborted) {
    for (const name of live) {
      const gone = await world.kube
        .resource(ClusterResource)
        .get(name, { namespace: options.namespace })
        .match(
          () => false,
          (e) => isNotFound(e),
        );
      if (gone) {
        live.delete(name);
        cleaning.add(name);
        report(`cluster ${name} deleted; waiting for its cleanup…`);
      }
    }
    for (const name of cleaning) {
      if (await world.cleanedUp(name)) {
        cleaning.delete(name);
        report(`cluster ${name} deleted: ${options.cleanedUp}`);
      }
    }
    await sleep(pollMs, signal);
  }
}
