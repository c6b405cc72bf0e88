/**
 * The guest kubeconfig Secret, as Cluster API writes it: `<cluster>-kubeconfig`, type
 * `cluster.x-k8s.io/secret`, label `cluster.x-k8s.io/cluster-name`, the kubeconfig under data key
 * `value`, owned by the Cluster. Its user is the Cluster's `admin` certificate (CN admin, O
 * system:masters) and it trusts the Cluster's CA. Pure: the step that writes it is
 * `steps/kubeconfig.ts`; `kubeception kubeconfig` prints it.
 */
import { stringify } from 'yaml';
import type { Cluster } from '../models/cluster.js';
import type { Secret } from '../kube/builtins.js';
import type { OwnerReference, Persisted } from '../resource.js';
import { Label } from '../vocabulary.js';

/** The words of the guest kubeconfig Secret (Cluster API's, where it has them). */
export const GuestKubeconfig = {
  /** The Secret's type (Cluster API's `ClusterSecretType`). */
  SecretType: 'cluster.x-k8s.io/secret',
  /** The data key holding the kubeconfig (Cluster API's `KubeconfigDataName`). */
  DataKey: 'value',
  /** The label naming the Cluster (Cluster API's `ClusterNameLabel`). */
  ClusterNameLabel: 'cluster.x-k8s.io/cluster-name',
  /** Condition type on the Cluster, present only while the Secret cannot be written (it does not enter `Ready`). */
  Condition: 'KubeconfigReady',
  /** Its reason when a Secret of the name exists and is not controlled by the Cluster: never taken over. */
  ConflictReason: 'KubeconfigConflict',
} as const;
export type GuestKubeconfig = (typeof GuestKubeconfig)[keyof typeof GuestKubeconfig];

/** The name of a Cluster's guest kubeconfig Secret: `<cluster>-kubeconfig`. */
export const guestKubeconfigSecretName = (cluster: string): string => `${cluster}-kubeconfig`;

/** What a guest kubeconfig is made of. Certificates and key as in a `kubernetes.io/tls` Secret's data: base64 of the PEM. */
export interface GuestKubeconfigInput {
  /** The Cluster's name: of the kubeconfig's cluster, and in its user (`<cluster>-admin`) and context (`<cluster>-admin@<cluster>`). */
  readonly cluster: string;
  /** `https://host:port` of the guest API server. */
  readonly server: string;
  /** The name the server's certificate is verified against, when `server`'s host is not on it (`tls-server-name`). */
  readonly tlsServerName?: string;
  /** base64 of the CA certificate (PEM) the server's certificate is signed by. */
  readonly caData: string;
  /** base64 of the client certificate (PEM, leaf first). */
  readonly certData: string;
  /** base64 of the client key (PEM). */
  readonly keyData: string;
}

/**
 * A kubeconfig (YAML) with one cluster, user and context, named as Cluster API names them: cluster
 * `<cluster>`, user `<cluster>-admin`, context `<cluster>-admin@<cluster>` (the current one).
 *
 * @example
 * ```ts
 * const yaml = renderGuestKubeconfig({ cluster: 'demo', server: 'https://api.demo.example.com:443', caData, certData, keyData });
 * ```
 */
export function renderGuestKubeconfig(input: GuestKubeconfigInput): string {
  const user = `${input.cluster}-admin`;
  const context = `${user}@${input.cluster}`;
  const cluster = {
    'certificate-authority-data': input.caData,
    server: input.server,
    ...(input.tlsServerName ? { 'tls-server-name': input.tlsServerName } : {}),
  };
  return stringify({
    apiVersion: 'v1',
    kind: 'Config',
    clusters: [{ name: input.cluster, cluster }],
    contexts: [{ name: context, context: { cluster: input.cluster, user } }],
    'current-context': context,
    preferences: {},
    users: [{ name: user, user: { 'client-certificate-data': input.certData, 'client-key-data': input.keyData } }],
  });
}

/** `https://host:port` of an endpoint (an IPv6 host in brackets). */
export const endpointUrl = (endpoint: { readonly host: string; readonly port: number }): string =>
  `https://${endpoint.host.includes(':') ? `[${endpoint.host}]` : endpoint.host}:${endpoint.port}`;

/**
 * The guest kubeconfig Secret of `cluster` reaching `endpoint` (its `status.endpoint`) with the
 * admin certificate's Secret data (`tls.crt`, `tls.key`, `ca.crt`). The server's certificate is the
 * Cluster's `api` certificate: when the endpoint's host is not the API domain (an address), the
 * kubeconfig verifies it against the domain (`tls-server-name`).
 */
export function guestKubeconfigSecret(
  cluster: Persisted<Cluster>,
  endpoint: { readonly host: string; readonly port: number },
  admin: { readonly 'tls.crt': string; readonly 'tls.key': string; readonly 'ca.crt': string },
): Secret & { metadata: { name: string; namespace: string; labels: Record<string, string>; ownerReferences: OwnerReference[] } } {
  const { name, namespace, uid } = cluster.metadata;
  const domain = cluster.spec.kubernetes.api.domain;
  const value = renderGuestKubeconfig({
    cluster: name,
    server: endpointUrl(endpoint),
    ...(endpoint.host === domain ? {} : { tlsServerName: domain }),
    caData: admin['ca.crt'],
    certData: admin['tls.crt'],
    keyData: admin['tls.key'],
  });
  const owner: OwnerReference = { apiVersion: cluster.apiVersion, kind: cluster.kind, name, uid, controller: true, blockOwnerDeletion: true };
  return {
    apiVersion: 'v1',
    kind: 'Secret',
    type: GuestKubeconfig.SecretType,
    metadata: {
      name: guestKubeconfigSecretName(name),
      namespace,
      labels: { [GuestKubeconfig.ClusterNameLabel]: name, [Label.Cluster]: name },
      ownerReferences: [owner],
    },
    data: { [GuestKubeconfig.DataKey]: Buffer.from(value, 'utf8').toString('base64') },
  };
}
