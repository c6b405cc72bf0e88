/** Reading the built-in objects the simulation works on: pods, selectors, tolerations (internal). */
import { parseQuantity, type Persisted } from '@kubeception/sdk';
import type { Node, Pod } from '@kubeception/sdk/kube';

/** A pod as the informer cache holds it. */
export type StoredPod = Persisted<Pod>;
/** A Node as the informer cache holds it. */
export type StoredNode = Persisted<Node, 'Cluster'>;

/** A `metav1.LabelSelector` as JSON. */
export interface LabelSelector {
  readonly matchLabels?: Readonly<Record<string, string>>;
  readonly matchExpressions?: readonly { readonly key: string; readonly operator: string; readonly values?: readonly string[] }[];
}

/** Whether `labels` match a LabelSelector (an empty selector matches everything). */
export function selectorMatches(selector: LabelSelector | undefined, labels: Readonly<Record<string, string>> | undefined): boolean {
  const l = labels ?? {};
  for (const [k, v] of Object.entries(selector?.matchLabels ?? {})) if (l[k] !== v) return false;
  for (const e of selector?.matchExpressions ?? []) if (!requirementHolds(e.operator, l[e.key], e.values ?? [])) return false;
  return true;
}

/** One requirement of a label selector or node selector term (`In`, `NotIn`, `Exists`, `DoesNotExist`, `Gt`, `Lt`). */
export function requirementHolds(operator: string, value: string | undefined, values: readonly string[]): boolean {
  switch (operator) {
    case 'In':
      return value !== undefined && values.includes(value);
    case 'NotIn':
      return value === undefined || !values.includes(value);
    case 'Exists':
      return value !== undefined;
    case 'DoesNotExist':
      return value === undefined;
    case 'Gt':
    case 'Lt': {
      const n = Number(value);
      const bound = Number(values[0]);
      if (value === undefined || !Number.isInteger(n) || !Number.isInteger(bound)) return false;
      return operator === 'Gt' ? n > bound : n < bound;
    }
    default:
      return false;
  }
}

/** Whether a plain map selector (Service, nodeSelector) matches. */
export function mapMatches(selector: Readonly<Record<string, string>> | undefined, labels: Readonly<Record<string, string>> | undefined): boolean {
  return Object.entries(selector ?? {}).every(([k, v]) => labels?.[k] === v);
}

/**
 * A node taint.
 * @inline
 */
export interface Taint {
  readonly key: string;
  readonly value?: string;
  readonly effect: string;
  readonly timeAdded?: string;
}
/** A pod's spec as JSON. */
export type PodSpec = NonNullable<Pod['spec']>;
/** A pod toleration as JSON. */
export type Toleration = NonNullable<PodSpec['tolerations']>[number];

/** The toleration of `tolerations` that tolerates `taint`, if any. */
export function tolerationFor(tolerations: PodSpec['tolerations'], taint: Taint): Toleration | undefined {
  return (tolerations ?? []).find((t) => {
    if (t.effect && t.effect !== taint.effect) return false;
    if (t.operator === 'Exists') return t.key === undefined || t.key === '' || t.key === taint.key;
    return t.key === taint.key && (t.value ?? '') === (taint.value ?? '');
  });
}

/** Whether the pod has finished (Succeeded or Failed). */
export const isFinished = (pod: Pod): boolean => pod.status?.phase === 'Succeeded' || pod.status?.phase === 'Failed';
/** Whether the pod is being deleted. */
export const isTerminating = (pod: Pod): boolean => pod.metadata?.deletionTimestamp !== undefined;
/** Counted by controllers: neither finished nor being deleted. */
export const isActive = (pod: Pod): boolean => !isFinished(pod) && !isTerminating(pod);
/** Whether the pod's Ready condition is True. */
export const isReady = (pod: Pod): boolean => pod.status?.conditions?.some((c) => c.type === 'Ready' && c.status === 'True') ?? false;
/** Active and ready (minReadySeconds is not modelled). */
export const isAvailable = (pod: Pod): boolean => isActive(pod) && isReady(pod);

/** The uid of the controller owner reference, if any. */
export function controllerUid(obj: { metadata?: { ownerReferences?: readonly { uid: string; controller?: boolean }[] } }): string | undefined {
  return obj.metadata?.ownerReferences?.find((r) => r.controller === true)?.uid;
}

/** cpu (cores), memory (bytes) and pods. */
export interface Resources {
  cpu: number;
  memory: number;
  pods: number;
}

const quantity = (text: unknown): number => (typeof text === 'string' ? (parseQuantity(text) ?? 0) : typeof text === 'number' ? text : 0);

/** Reads cpu/memory/pods from a resource list. */
export function resourcesOf(list: Readonly<Record<string, unknown>> | undefined): Resources {
  return { cpu: quantity(list?.cpu), memory: quantity(list?.memory), pods: quantity(list?.pods) };
}

/** What a pod requests: the sum of its containers, at least the largest init container, plus overhead. */
export function requestsOf(pod: Pod): Resources {
  const sum: Resources = { cpu: 0, memory: 0, pods: 1 };
  for (const c of pod.spec?.containers ?? []) {
    const r = resourcesOf(c.resources?.requests);
    sum.cpu += r.cpu;
    sum.memory += r.memory;
  }
  for (const c of pod.spec?.initContainers ?? []) {
    const r = resourcesOf(c.resources?.requests);
    sum.cpu = Math.max(sum.cpu, r.cpu);
    sum.memory = Math.max(sum.memory, r.memory);
  }
  const overhead = resourcesOf(pod.spec?.overhead);
  return { cpu: sum.cpu + overhead.cpu, memory: sum.memory + overhead.memory, pods: 1 };
}

/** `namespace/name` of a pod. */
export const podKey = (pod: { metadata: { namespace?: string; name: string } }): string => `${pod.metadata.namespace ?? ''}/${pod.metadata.name}`;
