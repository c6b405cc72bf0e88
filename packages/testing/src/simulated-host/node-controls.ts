/** Test helpers that change simulated nodes through the API, as a cloud provider or an admin would. */
import type { Persisted } from '@kubeception/sdk';
import { NodeResource, type KubeClient, type KubeError, type Node } from '@kubeception/sdk/kube';
import { errAsync, okAsync, type ResultAsync } from 'neverthrow';
import { timestamp, type Clock } from './clock.js';
import { nodeConditions, nodeObject, type SimulatedNodeSpec } from './node-object.js';
import type { Taint } from './objects.js';

/** Adds, removes and changes simulated nodes. Every call returns `ResultAsync<_, KubeError>`. */
export interface NodeControls {
  /** Creates a node (Ready); its name is `spec.name` or the next `node-<n>`. */
  add(spec?: SimulatedNodeSpec): ResultAsync<Persisted<Node, 'Cluster'>, KubeError>;
  /** Deletes the Node; its pods are force-deleted after `nodeLifecycle.orphanTimeoutMs`. */
  remove(name: string): ResultAsync<void, KubeError>;
  /** `kubectl cordon`: `spec.unschedulable` and the `node.kubernetes.io/unschedulable:NoSchedule` taint. */
  cordon(name: string): ResultAsync<Persisted<Node, 'Cluster'>, KubeError>;
  /** `kubectl uncordon`. */
  uncordon(name: string): ResultAsync<Persisted<Node, 'Cluster'>, KubeError>;
  /**
   * Ready=False (or back to True). NotReady nodes get the `node.kubernetes.io/not-ready` taints
   * (NoSchedule and NoExecute, `timeAdded` from the clock): nothing new is scheduled there, their
   * pods turn not Ready and are evicted after the eviction timeout.
   */
  setReady(name: string, ready: boolean): ResultAsync<Persisted<Node, 'Cluster'>, KubeError>;
  /** Names of the nodes added through these controls (or at start), in order. */
  names(): string[];
}

const UNSCHEDULABLE = 'node.kubernetes.io/unschedulable';
const NOT_READY = 'node.kubernetes.io/not-ready';

/** Creates the controls. `onRemoved` is told the name of each removed node. */
export function nodeControls(kube: KubeClient, clock: Clock, onRemoved: (name: string) => void): NodeControls {
  const client = kube.resource(NodeResource);
  const names: string[] = [];
  let next = 0;

  /** Read-modify-write of the taints and spec, retried on conflict. */
  const editSpec = (
    name: string,
    edit: (taints: Taint[], node: Persisted<Node, 'Cluster'>) => { taints: Taint[]; unschedulable?: boolean },
    attempts = 5,
  ): ResultAsync<Persisted<Node, 'Cluster'>, KubeError> =>
    client.get(name).andThen((node) => {
      const stored = node as Persisted<Node, 'Cluster'>;
      const change = edit([...(stored.spec?.taints ?? [])], stored);
      const spec = {
        taints: change.taints.length > 0 ? change.taints : null,
        ...(change.unschedulable !== undefined ? { unschedulable: change.unschedulable || null } : {}),
      };
      return client
        .patch(name, { type: 'merge', body: { metadata: { resourceVersion: stored.metadata.resourceVersion }, spec } })
        .map((n) => n as Persisted<Node, 'Cluster'>)
        .orElse((error) => (error.kind === 'Conflict' && attempts > 1 ? editSpec(name, edit, attempts - 1) : errAsync(error)));
    });

  const withTaints = (keep: (t: Taint) => boolean, add: readonly Taint[]) => (taints: Taint[]) => [...taints.filter(keep), ...add];

  return {
    add(spec = {}) {
      const index = next++;
      const body = nodeObject(spec, index, timestamp(clock));
      return client.create(body).map((node) => {
        names.push(node.metadata.name);
        return node as Persisted<Node, 'Cluster'>;
      });
    },
    remove(name) {
      onRemoved(name);
      return client.delete(name).map(() => {
        const i = names.indexOf(name);
        if (i >= 0) names.splice(i, 1);
      });
    },
    cordon: (name) =>
      editSpec(name, (taints) => ({
        taints: withTaints((t) => t.key !== UNSCHEDULABLE, [{ key: UNSCHEDULABLE, effect: 'NoSchedule', timeAdded: timestamp(clock) }])(taints),
        unschedulable: true,
      })),
    uncordon: (name) => editSpec(name, (taints) => ({ taints: taints.filter((t) => t.key !== UNSCHEDULABLE), unschedulable: false })),
    setReady(name, ready) {
      const at = timestamp(clock);
      const conditions = nodeConditions(ready, at);
      const taints = ready ? [] : (['NoSchedule', 'NoExecute'] as const).map((effect) => ({ key: NOT_READY, effect, timeAdded: at }));
      return client
        .patchStatus(name, { type: 'merge', body: { status: { conditions } } })
        .andThen(() => editSpec(name, (current) => ({ taints: withTaints((t) => t.key !== NOT_READY, taints)(current) })));
    },
    names: () => [...names],
  };
}

/** Adds the nodes of `specs` one after the other. */
export function addAll(controls: NodeControls, specs: readonly SimulatedNodeSpec[]): ResultAsync<void, KubeError> {
  return specs.reduce<ResultAsync<void, KubeError>>((chain, spec) => chain.andThen(() => controls.add(spec).map(() => undefined)), okAsync(undefined));
}
