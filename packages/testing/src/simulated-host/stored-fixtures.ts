/** Objects as the informers' caches hold them, for the tests of pure stages (internal, not exported). */
import type { KubeObject, Persisted } from '@kubeception/sdk';
import type { Pod } from '@kubeception/sdk/kube';
import { nodeObject, type SimulatedNodeSpec } from './node-object.js';
import type { StoredNode, StoredPod } from './objects.js';

/** A fixed start for simulated clocks, on a whole second (timestamps have second precision). */
export const T0 = Date.UTC(2025, 0, 1);

let serial = 0;

/** `object` as read back from the API: uid, resourceVersion, generation 1, a creation time, namespace `default` (its own metadata wins). */
export function stored<T extends KubeObject>(object: T & { metadata: { name: string } }): Persisted<T> {
  const n = ++serial;
  const metadata = {
    namespace: 'default',
    uid: `uid-${n}`,
    resourceVersion: String(n),
    generation: 1,
    creationTimestamp: new Date(T0 + n * 1000).toISOString(),
  };
  return { ...object, metadata: { ...metadata, ...object.metadata } } as Persisted<T>;
}

/** What a test pod is. */
export interface PodFacts {
  /** The controller's uid. */
  readonly owner?: string;
  readonly node?: string;
  readonly phase?: string;
  readonly ready?: boolean;
  readonly labels?: Record<string, string>;
  readonly terminating?: boolean;
  readonly spec?: Partial<NonNullable<Pod['spec']>>;
}

/** A pod in the cache. */
export function storedPod(name: string, facts: PodFacts = {}): StoredPod {
  return stored<Pod>({
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: {
      name,
      ...(facts.labels ? { labels: facts.labels } : {}),
      ...(facts.owner ? { ownerReferences: [{ apiVersion: 'apps/v1', kind: 'ReplicaSet', name: 'owner', uid: facts.owner, controller: true }] } : {}),
      ...(facts.terminating ? { deletionTimestamp: new Date(T0).toISOString() } : {}),
    },
    spec: { containers: [{ name: 'main', image: 'app:1' }], ...(facts.node ? { nodeName: facts.node } : {}), ...facts.spec },
    status: {
      phase: facts.phase ?? 'Running',
      conditions: [{ type: 'Ready', status: facts.ready === false ? 'False' : 'True' }],
    },
  });
}

/** The Node of a simulated node in the cache. */
export const storedNode = (spec: SimulatedNodeSpec = {}, index = 0): StoredNode =>
  stored(nodeObject(spec, index, new Date(T0).toISOString()) as KubeObject & { metadata: { name: string } }) as StoredNode;
