import type { KubeObject, Persisted } from '@kubeception/sdk';
import type { Pod, ReplicaSet } from '@kubeception/sdk/kube';
import type { Informer, InformerEvent } from '@kubeception/sdk/runtime';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { createSimulatedClock } from './clock.js';
import type { SimContext } from './context.js';
import { Expectations } from './expectations.js';
import type { Outcome } from './loop.js';
import { stored, storedPod } from './stored-fixtures.js';
import { anyEventOf, ownedBy, startWorkloadController, type WorkloadController, type WorkloadControllerSpec } from './workload-controller.js';

/** An informer whose events the test sends. */
function fakeInformer<T extends KubeObject>() {
  const objects = new Map<string, Persisted<T>>();
  const listeners: ((e: InformerEvent<T>) => void)[] = [];
  const keyOf = (o: Persisted<T>) => `${o.metadata.namespace}/${o.metadata.name}`;
  const send = (e: InformerEvent<T>) => listeners.forEach((l) => l(e));
  return {
    informer: {
      store: { get: (key: string) => objects.get(key) },
      subscribe: (l: (e: InformerEvent<T>) => void) => listeners.push(l),
    } as unknown as Informer<T>,
    apply(object: Persisted<T>) {
      objects.set(keyOf(object), object);
      send({ type: 'Applied', object, initial: false });
    },
    delete(object: Persisted<T>) {
      objects.delete(keyOf(object));
      send({ type: 'Deleted', object });
    },
  };
}

let owners = fakeInformer<ReplicaSet>();
let pods = fakeInformer<Pod>();
const seen: string[] = [];
let controller: WorkloadController | undefined;
beforeEach(() => {
  owners = fakeInformer<ReplicaSet>();
  pods = fakeInformer<Pod>();
});
afterEach(async () => {
  await controller?.loop.stop();
  controller = undefined;
  seen.length = 0;
});

function start(spec: Partial<WorkloadControllerSpec<ReplicaSet>> = {}) {
  const ctx = { clock: createSimulatedClock(), informers: { pods: pods.informer }, onError: () => {} } as unknown as SimContext;
  const reconcile = async (key: string, rs: Persisted<ReplicaSet>): Promise<Outcome> => {
    seen.push(`${key}@${rs.metadata.resourceVersion}`);
    return 'done';
  };
  controller = startWorkloadController(ctx, { name: 'test', informer: owners.informer, concurrency: 1, reconcile, ...spec });
  controller.loop.start();
  return controller;
}
const settled = () => vi.waitFor(() => expect(controller?.idle()).toBe(true));
const replicaSet = (name: string, extra: Partial<Persisted<ReplicaSet>['metadata']> = {}) =>
  stored<ReplicaSet>({ metadata: { name, ...extra }, spec: { selector: {} } });

describe('startWorkloadController', () => {
  it('reconciles a workload when it changes and when a pod it controls changes; other pods wake nothing', async () => {
    start({ triggers: [ownedBy(pods.informer)] });
    const rs = replicaSet('web');
    owners.apply(rs);
    await vi.waitFor(() => expect(seen).toEqual([`default/web@${rs.metadata.resourceVersion}`]));
    pods.apply(storedPod('web-1', { owner: rs.metadata.uid }));
    pods.apply(storedPod('stray', { owner: 'someone-else' }));
    pods.apply(storedPod('bare'));
    await vi.waitFor(() => expect(seen).toHaveLength(2));
    await settled();
    expect(seen).toHaveLength(2);
  });

  it('anyEventOf wakes every workload; a deleted one is forgotten', async () => {
    const nodes = fakeInformer<Pod>();
    start({ triggers: [anyEventOf(nodes.informer)] });
    const [a, b] = [replicaSet('a'), replicaSet('b')];
    owners.apply(a);
    owners.apply(b);
    await vi.waitFor(() => expect(seen).toHaveLength(2));
    owners.delete(b);
    nodes.apply(storedPod('anything'));
    await vi.waitFor(() => expect(seen).toHaveLength(3));
    await settled();
    expect(seen.at(-1)).toBe(`default/a@${a.metadata.resourceVersion}`);
  });

  it('leaves workloads being deleted alone, unless asked to reconcile them too', async () => {
    const deleting = replicaSet('old', { deletionTimestamp: '2025-01-01T00:00:00Z' });
    start();
    owners.apply(deleting);
    await settled();
    expect(seen).toEqual([]);
    await controller?.loop.stop();
    start({ whileDeleting: true });
    owners.apply(deleting);
    await vi.waitFor(() => expect(seen).toHaveLength(1));
  });

  it('holds reconciles back while expected pods are not in the cache, and forgets the expectations of a deleted workload', async () => {
    const expectations = new Expectations();
    start({ expectations });
    const rs = replicaSet('web');
    expectations.created('default/web', [storedPod('web-1')]);
    owners.apply(rs);
    await vi.waitFor(() => expect(controller?.loop.idle()).toBe(true));
    expect(seen).toEqual([]);
    expect(controller?.idle()).toBe(false);
    owners.delete(rs);
    expect(controller?.idle()).toBe(true);
  });
});
