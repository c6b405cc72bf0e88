/**
 * The objects hostile cases send (internal): valid KVM and AWS Clusters, CertificateAuthorities
 * and Certificates, each bent by an edit of the case. Written as plain JSON, as a tenant's YAML
 * would be: nothing here is checked by the SDK's types.
 */
import { AMI } from '../aws/aws-world.js';

/** A loosely typed object a case edits. */
export type Json = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any
/** An edit of a spec. */
export type Edit = (spec: Json) => void;

/** A node's root disk: the KVM minimum. */
export const DISK = '10Gi';

/** A valid small KVM Cluster `name` (1 master, 1 worker of 1 CPU / 1Gi), then `edit`. */
export function kvmCluster(name: string, edit: Edit = () => undefined, metadata: Json = {}): Json {
  const spec: Json = {
    provider: { kvm: { nodeSelector: { 'kubeception.io/vm-host': 'true' } } },
    kubernetes: { version: '1.33.1', api: { domain: `api.${name}.k8s.example.com` } },
    ingress: { domain: `${name}.k8s.example.com` },
    network: { podCIDR: '10.2.0.0/16' },
    masters: { replicas: 1, cpus: 1, memory: '1Gi', disk: DISK },
    workers: [{ name: 'pool', replicas: 1, cpus: 1, memory: '1Gi', disk: DISK }],
  };
  edit(spec);
  return { apiVersion: 'kubeception.io/v1alpha1', kind: 'Cluster', metadata: { name, ...metadata }, spec };
}

/** A valid small AWS Cluster `name` (1 zone, 1 master, 1 worker), then `edit` (of the spec; `spec.provider.aws` is `s.provider.aws`). */
export function awsCluster(name: string, edit: Edit = () => undefined): Json {
  const spec: Json = {
    provider: { aws: { region: 'eu-west-1', instances: { master: { instanceType: 'm5.large', ami: AMI }, worker: { instanceType: 'm5.large', ami: AMI } } } },
    kubernetes: { version: '1.33.1', api: { domain: `api.${name}.example.com` } },
    ingress: { domain: `${name}.example.com` },
    network: { podCIDR: '10.2.0.0/16' },
    masters: { replicas: 1, cpus: 2, memory: '8Gi', disk: '50Gi' },
    workers: [{ name: 'pool', replicas: 1, cpus: 2, memory: '8Gi', disk: '50Gi' }],
  };
  edit(spec);
  return { apiVersion: 'kubeception.io/v1alpha1', kind: 'Cluster', metadata: { name }, spec };
}

/** An edit setting the spec field at `path` (`kubernetes.api.domain`, `workers[0].name`) to `value`, making the objects on the way. */
export const set =
  (path: string, value: unknown): Edit =>
  (spec) => {
    const keys = path.split(/[.[\]]+/).filter((key) => key !== '');
    const last = keys.pop() as string;
    let at = spec;
    for (const key of keys) at = at[key] ??= {};
    at[last] = value;
  };

/** An edit of `spec.provider.aws`. */
export const aws =
  (patch: Json): Edit =>
  (s) =>
    Object.assign(s.provider.aws, patch);

/** An edit of `spec.provider.kvm`. */
export const kvm =
  (patch: Json): Edit =>
  (s) =>
    Object.assign(s.provider.kvm, patch);

/** An edit of the first worker pool. */
export const pool =
  (patch: Json): Edit =>
  (s) =>
    Object.assign(s.workers[0], patch);

/** Labels of the first worker pool. */
export const poolLabels = (labels: Record<string, string>): Edit => pool({ labels });

/** A CertificateAuthority for `clusterRef`, with a `worker` role and an admin-like role unless `spec` says otherwise. */
export function certificateAuthority(name: string, clusterRef: Json, spec: Json = {}): Json {
  return {
    apiVersion: 'kubeception.io/v1alpha1',
    kind: 'CertificateAuthority',
    metadata: { name },
    spec: {
      clusterRef,
      commonName: `${name}.own.example.com`,
      allowedDomains: ['own.example.com'],
      roles: [
        { name: 'worker', allowSubdomains: true, organizations: ['system:nodes'], maxTTL: '720h' },
        { name: 'admin', allowSubdomains: true, organizations: ['system:masters'], maxTTL: '720h' },
      ],
      ...spec,
    },
  };
}

/** A Certificate of `clusterRef` with role `worker` for `w.own.example.com` into a Secret of its own name, then `spec`. */
export function certificate(name: string, clusterRef: Json, spec: Json = {}): Json {
  return {
    apiVersion: 'kubeception.io/v1alpha1',
    kind: 'Certificate',
    metadata: { name },
    spec: { clusterRef, component: 'worker', role: 'worker', commonName: 'w.own.example.com', dnsNames: ['w.own.example.com'], secretName: name, ...spec },
  };
}

/** `n` labels `l0`…: one more than a pool may have at 65. */
export const manyLabels = (n: number) => Object.fromEntries(Array.from({ length: n }, (_, i) => [`l${i}`, 'v']));
