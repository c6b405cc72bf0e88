/**
 * The guest kubeconfig of the Cluster controller: Secret `<cluster>-kubeconfig` (see
 * `../guest-kubeconfig.ts`), written in the infrastructure pass as soon as the Cluster has an
 * endpoint and its admin certificate's Secret exists — before the control plane is Ready, as
 * Cluster API writes it — and before that pass's status, so a Cluster is never Ready without it.
 *
 * - Rewritten when what it is made of changes: the admin certificate (renewed, re-issued) or the
 *   endpoint. Compared with what the server stores (base64, through its digest: the cache keeps
 *   data values as digests); nothing changed, nothing written. The admin certificate's Secret is
 *   read whole (a LIST of its name) only to make a kubeconfig from inputs not seen yet (`step.kubeconfigs`).
 * - Created (never applied: an apply would take over a Secret of the name); updated by a merge
 *   patch carrying the cached resourceVersion, only while the Cluster controls it. A Secret of the
 *   name the Cluster does not control is never written: `KubeconfigReady=False` with reason
 *   `KubeconfigConflict`, looked at again in a minute; the condition goes once the Secret is
 *   written. It does not enter `Ready`: the guest cluster works without it.
 * - Deleted with the Cluster by the garbage collector (it is owned by the Cluster).
 * - The Secrets are read from one cache (label `kubeception.io/cluster`, which the certificate
 *   Secrets and this one carry); a change of one queues its Cluster.
 */
import { errAsync, okAsync, type ResultAsync } from 'neverthrow';
import { withConditions } from '../cluster-status.js';
import { guestKubeconfigSecret, guestKubeconfigSecretName, GuestKubeconfig } from '../guest-kubeconfig.js';
import { removeCondition } from '../../conditions.js';
import { SecretResource, type Secret } from '../../kube/builtins.js';
import { readByList } from '../../kube/read-by-list.js';
import type { KubeError } from '../../kube/errors.js';
import { certificateSecretName } from '../../models/certificate.js';
import type { Cluster, ClusterStatus } from '../../models/cluster.js';
import type { Persisted } from '../../resource.js';
import { watchKind, type Watch } from '../../runtime/controller.js';
import { dataDigests, digestedValue, digestOf, hasDigests } from '../../runtime/cache-transforms.js';
import type { Selection } from '../../runtime/informer.js';
import { Component, Label } from '../../vocabulary.js';
import { kubeFailed, type ClusterControllerError, type ClusterReconcileContext, type ClusterStepContext } from './context.js';
import { controls } from './pki.js';

/** How often a Cluster whose kubeconfig Secret name is taken looks again (an unlabelled Secret's deletion queues nothing). */
export const KUBECONFIG_RECHECK_MS = 60_000;

/** What writing the kubeconfig came to: done (or nothing to write yet), or why the Secret of its name is not written. */
export interface KubeconfigOutcome {
  /** The Secret of the name is not the Cluster's: the message of `KubeconfigReady=False`. */
  readonly conflict?: string;
}

type Endpoint = NonNullable<ClusterStatus['endpoint']>;

/**
 * The Secrets the Cluster controller caches: the Clusters' certificate Secrets and kubeconfig
 * Secrets (in `namespace`, when it watches one), their data values as digests (the cache the
 * Certificate controller and the KVM driver share).
 */
export const clusterSecrets = (namespace: string | undefined): Selection => ({
  labelSelector: Label.Cluster,
  transform: dataDigests,
  ...(namespace ? { namespace } : {}),
});

/** A change of a Cluster's Secret (its admin certificate's, its kubeconfig) queues the Cluster of its label, in its namespace. */
export function kubeconfigWatch(selection: Selection): Watch {
  return watchKind({
    resource: SecretResource,
    selection,
    map: (secret, clusters) => {
      const key = `${secret.metadata.namespace}/${secret.metadata.labels?.[Label.Cluster] ?? ''}`;
      return clusters.get(key) === undefined ? [] : [key];
    },
  });
}

type AdminData = { readonly 'tls.crt': string; readonly 'tls.key': string; readonly 'ca.crt': string };

/** The admin certificate's Secret, once it exists, is its Certificate's and holds a certificate, its key and the CA (its data values whole, or digests). */
function adminSecret<S, P>(step: ClusterStepContext<S, P>, cluster: Persisted<Cluster>, ctx: ClusterReconcileContext): Persisted<Secret> | undefined {
  const admin = step.pki(cluster).certificates.find((c) => c.spec.component === Component.Admin);
  if (admin === undefined) return undefined;
  const secret = ctx.cache(SecretResource, step.secrets).get(`${cluster.metadata.namespace}/${certificateSecretName(admin)}`);
  const issuedBy = secret?.metadata.ownerReferences?.some((r) => r.controller === true && r.kind === 'Certificate' && r.name === admin.metadata.name);
  const { 'tls.crt': crt, 'tls.key': key, 'ca.crt': ca } = secret?.data ?? {};
  return issuedBy && crt && key && ca ? secret : undefined;
}

const adminData = (secret: Pick<Secret, 'data'>): AdminData | undefined => {
  const { 'tls.crt': crt, 'tls.key': key, 'ca.crt': ca } = secret.data ?? {};
  return crt && key && ca ? { 'tls.crt': crt, 'tls.key': key, 'ca.crt': ca } : undefined;
};

const digested = (value: string | undefined) => (value === undefined ? '-' : digestedValue(value));

/** What a Cluster's kubeconfig is made of, by digest: its name and domain, the endpoint and the admin certificate. */
const inputsOf = (cluster: Persisted<Cluster>, endpoint: Endpoint, data: Pick<Secret, 'data'>['data']) =>
  JSON.stringify([
    cluster.metadata.namespace,
    cluster.metadata.name,
    cluster.spec.kubernetes.api.domain,
    endpoint.host,
    endpoint.port,
    ...['tls.crt', 'tls.key', 'ca.crt'].map((k) => digested(data?.[k])),
  ]);

/** Whether a Secret's kubeconfig (whole, or its digest) is `value`. */
const holds = (secret: Pick<Secret, 'data'>, value: string | undefined) => {
  const have = secret.data?.[GuestKubeconfig.DataKey];
  return value !== undefined && (have === value || have === digestOf(value));
};

/**
 * Writes the Cluster's guest kubeconfig Secret when it is missing or differs (see the module doc).
 * When the caches keep digests, the kubeconfig made from a set of inputs is known by its digest:
 * the admin certificate's Secret is read whole (by a LIST of its name) only to make a kubeconfig not made yet
 * from these inputs (a new certificate, a restarted operator).
 */
export function ensureKubeconfig<S, P>(
  step: ClusterStepContext<S, P>,
  cluster: Persisted<Cluster>,
  endpoint: Endpoint | undefined,
  ctx: ClusterReconcileContext,
): ResultAsync<KubeconfigOutcome, ClusterControllerError> {
  const admin = endpoint === undefined ? undefined : adminSecret(step, cluster, ctx);
  if (endpoint === undefined || admin === undefined) return okAsync({});
  const name = guestKubeconfigSecretName(cluster.metadata.name);
  const cached = ctx.cache(SecretResource, step.secrets).get(`${cluster.metadata.namespace}/${name}`);
  const made = step.kubeconfigs.get(inputsOf(cluster, endpoint, admin.data));
  const labels = [[GuestKubeconfig.ClusterNameLabel, cluster.metadata.name] as const, [Label.Cluster, cluster.metadata.name] as const];
  // nothing to do: the Secret is the Cluster's, labelled, and holds the kubeconfig made from these inputs
  const labelled = cached !== undefined && controls(cluster, cached) && labels.every(([k, v]) => cached.metadata.labels?.[k] === v);
  if (made !== undefined && labelled && digested(cached.data?.[GuestKubeconfig.DataKey]) === made) return okAsync({});
  return wholeAdmin(ctx, admin)
    .andThen((data): ResultAsync<KubeconfigOutcome, KubeError> => {
      if (data === undefined) return okAsync({});
      const wanted = guestKubeconfigSecret(cluster, endpoint, data);
      step.kubeconfigs.set(inputsOf(cluster, endpoint, { ...data }), digestOf(wanted.data?.[GuestKubeconfig.DataKey] ?? ''));
      return cached === undefined ? create(step, cluster, wanted, ctx) : update(step, cluster, wanted, cached, ctx);
    })
    .mapErr(kubeFailed);
}

/** The admin certificate's data whole: from the cache when it keeps it so, else read (none when gone since). */
function wholeAdmin(ctx: ClusterReconcileContext, admin: Persisted<Secret>): ResultAsync<AdminData | undefined, KubeError> {
  if (!hasDigests(admin)) return okAsync(adminData(admin));
  // read by a LIST of its name, as below: the operators' roles grant list on Secrets, not get
  return readByList(ctx.kube.resource(SecretResource), admin.metadata.name, admin.metadata.namespace ?? '').map((whole) =>
    whole === undefined ? undefined : adminData(whole),
  );
}

/** Creates the Secret; one that exists though the cache has none (not labelled, or just written) is read live and updated only if it is ours. */
function create<S, P>(step: ClusterStepContext<S, P>, cluster: Persisted<Cluster>, wanted: Secret, ctx: ClusterReconcileContext) {
  const secrets = ctx.kube.resource(SecretResource);
  const { name, namespace } = wanted.metadata as { name: string; namespace: string };
  return secrets
    .create(wanted, { fieldManager: step.fieldManager })
    .map((): KubeconfigOutcome => ({}))
    .orElse((error) =>
      error.kind !== 'AlreadyExists'
        ? errAsync(error)
        : secrets
            .list({ namespace, fieldSelector: `metadata.name=${name}` })
            .andThen((list) => (list.items[0] ? update(step, cluster, wanted, list.items[0], ctx) : errAsync(error))),
    );
}

/** Patches the Secret's labels and kubeconfig when they differ, only if the Cluster controls it, guarded by its resourceVersion. */
function update<S, P>(
  step: ClusterStepContext<S, P>,
  cluster: Persisted<Cluster>,
  wanted: Secret,
  current: Persisted<Secret>,
  ctx: ClusterReconcileContext,
): ResultAsync<KubeconfigOutcome, KubeError> {
  const { name, namespace } = current.metadata;
  if (!controls(cluster, current))
    return okAsync({ conflict: `Secret ${namespace}/${name} exists and is not controlled by this Cluster; delete or rename it` });
  const labels = wanted.metadata?.labels ?? {};
  const value = wanted.data?.[GuestKubeconfig.DataKey];
  const same = holds(current, value) && Object.entries(labels).every(([k, v]) => current.metadata.labels?.[k] === v);
  if (same) return okAsync({});
  const body = { metadata: { resourceVersion: current.metadata.resourceVersion, labels }, data: { [GuestKubeconfig.DataKey]: value } };
  return ctx.kube
    .resource(SecretResource)
    .patch(name, { type: 'merge', body }, { namespace, fieldManager: step.fieldManager })
    .map((): KubeconfigOutcome => ({}));
}

/** The status with `KubeconfigReady=False` while the Secret's name is taken, and without the condition otherwise. */
export function withKubeconfigCondition(status: ClusterStatus, outcome: KubeconfigOutcome, generation: number): ClusterStatus {
  const { Condition, ConflictReason } = GuestKubeconfig;
  const conditions =
    outcome.conflict === undefined
      ? removeCondition(status.conditions, Condition)
      : withConditions(status.conditions, [{ type: Condition, status: 'False', reason: ConflictReason, message: outcome.conflict }], generation);
  return { ...status, conditions };
}
