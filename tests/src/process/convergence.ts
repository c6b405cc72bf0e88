/**
 * What every convergence check of the process tests shares: listing a kind from outside as a
 * user would, keys counted against the desired ones (twice, missing, not wanted), objects whose
 * owner is gone, and polling a check until it finds no problem.
 */
import type { KubeObject, Persisted } from '@kubeception/sdk';
import type { KubeClient } from '@kubeception/sdk/kube';

/** `items`, sorted. */
export const sorted = (items: Iterable<string>): string[] => [...items].sort();

/** Every object of `descriptor` (in `namespace`, or every namespace); a failure rejects (the test's own reads must pass). */
export function listAll<T extends KubeObject = KubeObject>(
  kube: KubeClient,
  descriptor: Parameters<KubeClient['resource']>[0],
  namespace?: string,
): Promise<Persisted<T>[]> {
  return kube
    .resource(descriptor)
    .list(namespace === undefined ? {} : { namespace })
    .map((l) => l.items as unknown as Persisted<T>[])
    .match(
      (items) => items,
      (error) => {
        throw new Error(`listing ${descriptor.plural}: ${error.message}`);
      },
    );
}

/** `actual` keys against `desired`, as a list of problems: a key twice or more, missing, or not wanted. */
export function keyProblems(what: string, actual: readonly string[], desired: readonly string[]): string[] {
  const counts = new Map<string, number>();
  for (const key of actual) counts.set(key, (counts.get(key) ?? 0) + 1);
  return [
    ...[...counts].filter(([, n]) => n > 1).map(([key, n]) => `${what}: ${n} × ${key}`),
    ...desired.filter((key) => !counts.has(key)).map((key) => `${what}: missing ${key}`),
    ...[...counts.keys()].filter((key) => !desired.includes(key)).map((key) => `${what}: not desired ${key}`),
  ];
}

/** The objects of `objects` whose owner is not among them (the garbage collector's to delete), one line each. */
export function orphans(objects: readonly Persisted<KubeObject>[]): string[] {
  const uids = new Set(objects.map((o) => o.metadata.uid));
  return objects.flatMap((o) =>
    (o.metadata.ownerReferences ?? []).filter((r) => !uids.has(r.uid)).map((r) => `${o.kind}/${o.metadata.name} owned by ${r.kind}/${r.name}, gone`),
  );
}

/** Polls `problems` every 500 ms until it finds none or `timeoutMs` has passed; the last problems (empty: converged). */
export async function awaitNoProblems(problems: () => Promise<string[]>, timeoutMs: number): Promise<string[]> {
  let found = await problems();
  for (const deadline = Date.now() + timeoutMs; found.length > 0 && Date.now() < deadline; found = await problems()) {
    await new Promise((resolve) => setTimeout(resolve, 500));
  }
  return found;
}
