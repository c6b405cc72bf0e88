/** Pods from workload templates: owner references, template hashes, creation (internal). */
import type { KubeObject, Persisted } from '@kubeception/sdk';
import { PodResource, type Pod } from '@kubeception/sdk/kube';
import { canonical } from './pod-status.js';
import type { SimContext } from './context.js';
import type { Outcome } from './loop.js';
import { isActive, isReady, type PodSpec, type StoredPod } from './objects.js';

/** A pod template as workloads carry it. */
export interface PodTemplate {
  readonly metadata?: { readonly labels?: Record<string, string>; readonly annotations?: Record<string, string> };
  readonly spec?: PodSpec;
}

const ALPHABET = 'bcdfghjklmnpqrstvwxz2456789';

/**
 * The `pod-template-hash` of a template, the way kube-controller-manager spells it: a 32-bit FNV-1a
 * of the template, printed in decimal and each digit mapped through the "safe" alphabet.
 */
export function templateHash(template: unknown, collisionCount = 0): string {
  // a stored template is frozen, so its hash cannot change: computed once per stored object
  const frozen = collisionCount === 0 && typeof template === 'object' && template !== null && Object.isFrozen(template);
  const known = frozen ? hashes.get(template) : undefined;
  if (known !== undefined) return known;
  const computed = fnvHash(template, collisionCount);
  if (frozen) hashes.set(template, computed);
  return computed;
}

const hashes = new WeakMap<object, string>();

function fnvHash(template: unknown, collisionCount: number): string {
  let hash = 0x811c9dc5;
  const text = canonical(template) + (collisionCount > 0 ? String(collisionCount) : '');
  for (let i = 0; i < text.length; i++) {
    hash ^= text.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193) >>> 0;
  }
  return [...String(hash)].map((ch) => ALPHABET[ch.charCodeAt(0) % ALPHABET.length]).join('');
}

/** A controller owner reference to `owner`. */
export function ownerRef(owner: Persisted<KubeObject>, kind: string, apiVersion: string) {
  return { apiVersion, kind, name: owner.metadata.name, uid: owner.metadata.uid, controller: true, blockOwnerDeletion: true };
}

/** The pod a controller creates from a template (always with a spec). */
export function podFor(
  template: PodTemplate | undefined,
  namespace: string,
  generateName: string,
  labels: Record<string, string>,
  owner: ReturnType<typeof ownerRef>,
  spec: Partial<PodSpec> = {},
): Pod & { spec: PodSpec } {
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: {
      generateName,
      namespace,
      labels: { ...template?.metadata?.labels, ...labels },
      ...(template?.metadata?.annotations ? { annotations: template.metadata.annotations } : {}),
      ownerReferences: [owner],
    },
    // the template supplies `containers`, but its type does not promise it has a spec
    spec: { restartPolicy: 'Always', terminationGracePeriodSeconds: 30, schedulerName: 'default-scheduler', ...template?.spec, ...spec } as PodSpec,
  };
}

/** Creates pods concurrently; returns `retry` if any creation failed. */
export async function createPods(ctx: SimContext, component: string, key: string, bodies: readonly Pod[]): Promise<{ outcome: Outcome; created: StoredPod[] }> {
  const client = ctx.kube.resource(PodResource);
  const results = await Promise.all(bodies.map((body) => client.create(body)));
  const created: StoredPod[] = [];
  let outcome: Outcome = 'done';
  for (const r of results) {
    if (r.isOk()) created.push(r.value as StoredPod);
    else {
      outcome = 'retry';
      if (r.error.kind !== 'Forbidden') ctx.onError(component, key, r.error);
    }
  }
  return { outcome, created };
}

/** Deletes pods concurrently (graceful); returns `retry` if any deletion failed. */
export async function deletePods(ctx: SimContext, component: string, key: string, pods: readonly StoredPod[]): Promise<Outcome> {
  const client = ctx.kube.resource(PodResource);
  const results = await Promise.all(
    pods.map((p) => client.delete(p.metadata.name, { namespace: p.metadata.namespace, preconditions: { uid: p.metadata.uid } })),
  );
  return results.every((r) => r.isOk() || r.error.kind === 'NotFound') ? 'done' : 'retry';
}

/**
 * The order in which a controller deletes surplus pods (first = deleted first), as
 * `controller.ActivePods`: unscheduled before scheduled, pending before running, not ready
 * before ready, more restarts first, newer before older.
 */
export function deletionOrder(a: StoredPod, b: StoredPod): number {
  const rank = (p: StoredPod) => [p.spec?.nodeName ? 1 : 0, p.status?.phase === 'Running' ? 1 : 0, isReady(p) ? 1 : 0];
  const [ra, rb] = [rank(a), rank(b)];
  for (let i = 0; i < ra.length; i++) if (ra[i] !== rb[i]) return (ra[i] as number) - (rb[i] as number);
  const restarts = (p: StoredPod) => (p.status?.containerStatuses ?? []).reduce((n, c) => n + (c.restartCount ?? 0), 0);
  if (restarts(a) !== restarts(b)) return restarts(b) - restarts(a);
  return b.metadata.creationTimestamp.localeCompare(a.metadata.creationTimestamp) || b.metadata.name.localeCompare(a.metadata.name);
}

/** Active pods owned (as controller) by `uid`, from the pod cache. */
export function ownedPods(ctx: SimContext, uid: string, all = false): StoredPod[] {
  const owned = (ctx.informers.pods.store.byOwner(uid) as StoredPod[]).filter((p) =>
    p.metadata.ownerReferences?.some((r) => r.uid === uid && r.controller === true),
  );
  return all ? owned : owned.filter(isActive);
}
