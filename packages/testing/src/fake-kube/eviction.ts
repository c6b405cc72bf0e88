/**
 * The `pods/eviction` subresource (`POST .../pods/<name>/eviction` with a `policy/v1` Eviction),
 * as kube-apiserver's eviction handler decides (internal):
 *
 * - the Eviction's name must be the pod's (400 otherwise); the pod must exist (404);
 * - a pod that is Pending, Succeeded, Failed or already terminating is deleted without asking
 *   any budget: it is not available anyway;
 * - otherwise the PodDisruptionBudgets of the pod's namespace whose selector matches it decide
 *   (an empty selector matches nothing): none → the pod is deleted; more than one → 500 "This pod
 *   has more than one PodDisruptionBudget, which the eviction subresource does not support.";
 *   one that allows no disruption → 429 TooManyRequests "Cannot evict pod as it would violate the
 *   pod's disruption budget." with a `DisruptionBudget` cause "The disruption budget <name> needs
 *   <desired> healthy pods and has <current> currently"; else the pod is deleted;
 * - an unready pod is deleted when the budget already has its healthy pods (`current >= desired`,
 *   `desired > 0`) or the budget's `unhealthyPodEvictionPolicy` is `AlwaysAllow`;
 * - the deletion honours the Eviction's `deleteOptions` (grace period, preconditions, dry run);
 *   the answer is 201 with a `Success` Status.
 *
 * **Not modelled: the disruption controller.** A budget's `status` is not maintained; each
 * eviction computes it from the objects at that moment, as the controller would: healthy pods are
 * the matching pods that are Ready and not terminating; an integer `minAvailable` is compared with
 * them; `maxUnavailable` and percentages are taken of the `spec.replicas` of the pods'
 * controllers (ReplicaSets, StatefulSets, ReplicationControllers; not custom resources with a
 * scale subresource), and a matching pod without one allows no disruption, as the controller's
 * fail-safe does. So there is no `disruptedPods` bookkeeping and never the 429 of a budget "still
 * being processed by the server". `policy/v1beta1` Evictions are accepted as `v1`.
 */
import { deleteObject, deleteOptionsOf } from './deletion.js';
import type { KubeApi } from './kube-api.js';
import type { ResourceType } from './resource-type.js';
import { selectorString } from './scale.js';
import { parseLabelSelector } from './selectors.js';
import { ApiError, badRequest, notFound } from './status.js';
import { isObject, type JsonObject, type KubeObject, type Status } from './types.js';

/** What an eviction answers when it succeeds. */
export const EVICTION_SUCCESS: Status = { kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Success', code: 201 };

const conditionTrue = (pod: KubeObject, type: string): boolean => {
  const status = pod.status;
  const conditions = isObject(status) && Array.isArray(status.conditions) ? status.conditions : [];
  return conditions.some((c) => isObject(c) && c.type === type && c.status === 'True');
};
const phaseOf = (pod: KubeObject): string => (isObject(pod.status) && typeof pod.status.phase === 'string' ? pod.status.phase : 'Pending');
const finished = (pod: KubeObject) => phaseOf(pod) === 'Succeeded' || phaseOf(pod) === 'Failed';
const terminating = (pod: KubeObject) => pod.metadata.deletionTimestamp !== undefined;
const healthy = (pod: KubeObject) => !finished(pod) && !terminating(pod) && conditionTrue(pod, 'Ready');

/** `intstr.GetScaledValueFromIntOrPercent(value, total, roundUp=true)`. */
function scaled(value: unknown, total: number): number {
  if (typeof value === 'number') return value;
  const percent = typeof value === 'string' ? /^(\d+)%$/.exec(value) : null;
  if (percent) return Math.ceil((Number(percent[1]) * total) / 100);
  const number = Number(value);
  return Number.isInteger(number) ? number : 0;
}

/** The workload controllers whose scale the disruption controller counts, by `apiVersion/kind`. */
const SCALED: Record<string, [group: string, plural: string]> = {
  'apps/v1/ReplicaSet': ['apps', 'replicasets'],
  'apps/v1/StatefulSet': ['apps', 'statefulsets'],
  'v1/ReplicationController': ['', 'replicationcontrollers'],
};

/**
 * The pods a budget expects: the replicas its pods' controllers want, as the disruption controller
 * counts them for `maxUnavailable` and percentages; `undefined` when a pod has no such controller
 * (the real controller then cannot compute the budget and allows no disruption).
 */
function expectedByControllers(api: KubeApi, namespace: string, pods: readonly KubeObject[]): number | undefined {
  const counted = new Map<string, number>();
  for (const pod of pods) {
    const owner = pod.metadata.ownerReferences?.find((o) => o.controller === true);
    const kind = owner === undefined ? undefined : SCALED[`${owner.apiVersion}/${owner.kind}`];
    if (owner === undefined || kind === undefined) return undefined;
    if (counted.has(owner.uid)) continue;
    const rt = api.registry.find(kind[0], 'v1', kind[1]);
    const controller = rt === undefined ? undefined : api.store.get(rt.key, namespace, owner.name);
    if (controller === undefined || controller.metadata.uid !== owner.uid) return undefined;
    const replicas = isObject(controller.spec) && typeof controller.spec.replicas === 'number' ? controller.spec.replicas : 1;
    counted.set(owner.uid, replicas);
  }
  return [...counted.values()].reduce((a, b) => a + b, 0);
}

/**
 * What a budget needs, from its spec and the pods it selects now: an integer `minAvailable`
 * counts the pods themselves; `maxUnavailable` and percentages count their controllers' replicas.
 */
function budgetOf(api: KubeApi, namespace: string, pdb: KubeObject, pods: readonly KubeObject[]): { desired: number; current: number; allowed: number } {
  const spec: JsonObject = isObject(pdb.spec) ? pdb.spec : {};
  const current = pods.filter(healthy).length;
  const { minAvailable, maxUnavailable } = spec;
  let desired = 0;
  if (maxUnavailable !== undefined && maxUnavailable !== null) {
    const expected = expectedByControllers(api, namespace, pods);
    if (expected === undefined) return { desired: current, current, allowed: 0 };
    desired = Math.max(0, expected - scaled(maxUnavailable, expected));
  } else if (typeof minAvailable === 'number') {
    desired = minAvailable;
  } else if (minAvailable !== undefined && minAvailable !== null) {
    const expected = expectedByControllers(api, namespace, pods);
    if (expected === undefined) return { desired: current, current, allowed: 0 };
    desired = scaled(minAvailable, expected);
  }
  return { desired, current, allowed: Math.max(0, current - desired) };
}

const failure = (code: number, message: string, reason?: string, details?: Status['details']): ApiError =>
  new ApiError({
    kind: 'Status',
    apiVersion: 'v1',
    metadata: {},
    status: 'Failure',
    message,
    ...(reason ? { reason } : {}),
    ...(details ? { details } : {}),
    code,
  });

function tooManyRequests(pdb: string, desired: number, current: number): ApiError {
  return failure(429, "Cannot evict pod as it would violate the pod's disruption budget.", 'TooManyRequests', {
    causes: [{ reason: 'DisruptionBudget', message: `The disruption budget ${pdb} needs ${desired} healthy pods and has ${current} currently` }],
  });
}

/**
 * Evicts pod `namespace/name` as described by `body` (an Eviction); throws the `ApiError` the
 * server answers with. `dryRun` comes from the request's query (`?dryRun=All`).
 */
export function evictPod(api: KubeApi, pods: ResourceType, namespace: string, name: string, body: unknown, dryRun: boolean): Status {
  const eviction: JsonObject = isObject(body) ? body : {};
  const meta: JsonObject = isObject(eviction.metadata) ? eviction.metadata : {};
  if (meta.name !== name) throw badRequest('name in URL does not match name in Eviction object');
  const query = new URLSearchParams(dryRun ? [['dryRun', 'All']] : []);
  const options = deleteOptionsOf(isObject(eviction.deleteOptions) ? eviction.deleteOptions : {}, query);
  const pod = api.store.get(pods.key, namespace, name);
  if (pod === undefined) throw notFound(pods, name);
  const ignoresBudgets = finished(pod) || phaseOf(pod) === 'Pending' || terminating(pod);
  if (!ignoresBudgets) {
    const pdbs = api.registry.find('policy', 'v1', 'poddisruptionbudgets');
    const budgets = (pdbs === undefined ? [] : api.store.list(pdbs.key, namespace)).flatMap((pdb) => {
      const text = selectorString(isObject(pdb.spec) ? pdb.spec.selector : undefined);
      const selects = text === '' ? undefined : parseLabelSelector(text);
      return selects?.(pod) ? [{ pdb, selects }] : [];
    });
    // answered as a Status with code 500 and no reason, as the real handler returns it
    if (budgets.length > 1) throw failure(500, 'This pod has more than one PodDisruptionBudget, which the eviction subresource does not support.');
    const [only] = budgets;
    if (only !== undefined) {
      const { pdb, selects } = only;
      const budget = budgetOf(api, namespace, pdb, api.store.list(pods.key, namespace).filter(selects));
      const alwaysAllow = isObject(pdb.spec) && pdb.spec.unhealthyPodEvictionPolicy === 'AlwaysAllow';
      const unreadyAllowed = !healthy(pod) && (alwaysAllow || (budget.current >= budget.desired && budget.desired > 0));
      if (!unreadyAllowed && budget.allowed === 0) throw tooManyRequests(pdb.metadata.name, budget.desired, budget.current);
    }
  }
  deleteObject(api, pods, namespace, name, options);
  return EVICTION_SUCCESS;
}
