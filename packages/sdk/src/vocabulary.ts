/**
 * The words every Kubeception operator agrees on: API group, labels, annotations,
 * finalizers, condition types, reasons and phases. Each is an `as const` object with a
 * same-named type, so a typo is a compile error and the values stay greppable.
 *
 * @packageDocumentation
 */

/** API group of every Kubeception custom resource. */
export const GROUP = 'kubeception.io';
/** API version of every Kubeception custom resource. */
export const VERSION = 'v1alpha1';
/** `apiVersion` field value: `kubeception.io/v1alpha1`. */
export const API_VERSION = `${GROUP}/${VERSION}` as const;
/** Category shared by all Kubeception CRDs, so `kubectl get kubeception` lists them all. */
export const CATEGORY = 'kubeception';

/** Labels Kubeception puts on objects it creates on the host. */
export const Label = {
  /** Name of the guest cluster an object belongs to. */
  Cluster: 'kubeception.io/cluster',
  /** `master` or `worker`. */
  Role: 'kubeception.io/role',
  /** Worker pool name. */
  Pool: 'kubeception.io/pool',
  /** Name of the guest node an object (VM pod, boot config, EC2 instance) belongs to. */
  Node: 'kubeception.io/node',
  /** Operator that manages the object. */
  ManagedBy: 'app.kubernetes.io/managed-by',
} as const;
export type Label = (typeof Label)[keyof typeof Label];

/** Annotations Kubeception reads. */
export const Annotation = {
  /** Any value other than `"false"` pauses reconciliation of the object, like `spec.paused`. */
  Paused: 'kubeception.io/paused',
} as const;
export type Annotation = (typeof Annotation)[keyof typeof Annotation];

/** One finalizer per operator: `kubeception.io/<operator-name>`. */
export const Finalizer = {
  KvmOperator: 'kubeception.io/kvm-operator',
  AwsOperator: 'kubeception.io/aws-operator',
  CaOperator: 'kubeception.io/ca-operator',
  CertOperator: 'kubeception.io/cert-operator',
} as const;
export type Finalizer = (typeof Finalizer)[keyof typeof Finalizer];

/** Node roles in a guest cluster. */
export const NodeRole = { Master: 'master', Worker: 'worker' } as const;
export type NodeRole = (typeof NodeRole)[keyof typeof NodeRole];

/** `status.phase` of a Cluster. */
export const ClusterPhase = {
  Pending: 'Pending',
  Provisioning: 'Provisioning',
  Ready: 'Ready',
  Deleting: 'Deleting',
  Failed: 'Failed',
} as const;
export type ClusterPhase = (typeof ClusterPhase)[keyof typeof ClusterPhase];

/** Condition types used in `status.conditions` of Kubeception resources. */
export const ConditionType = {
  /** Summary of the others: True only when every required condition is True. */
  Ready: 'Ready',
  CertificatesReady: 'CertificatesReady',
  NetworkReady: 'NetworkReady',
  InfrastructureReady: 'InfrastructureReady',
  ControlPlaneReady: 'ControlPlaneReady',
  WorkersReady: 'WorkersReady',
  Paused: 'Paused',
  Deleting: 'Deleting',
  /** Certificate only: a new certificate is being issued. */
  Issuing: 'Issuing',
} as const;
export type ConditionType = (typeof ConditionType)[keyof typeof ConditionType];

/** Condition status values (metav1.ConditionStatus). */
export const ConditionStatus = { True: 'True', False: 'False', Unknown: 'Unknown' } as const;
export type ConditionStatus = (typeof ConditionStatus)[keyof typeof ConditionStatus];

/** Reasons set on conditions. CamelCase, like Kubernetes' own. */
export const Reason = {
  /** The spec failed validation; the message lists every field path. Not retried until the spec changes. */
  InvalidSpec: 'InvalidSpec',
  /** Work is under way. */
  Progressing: 'Progressing',
  /** Waiting on something outside this reconciler (a dependency, a VM booting). */
  Waiting: 'Waiting',
  /** Everything required is ready. */
  AsExpected: 'AsExpected',
  /** Reconciliation is paused by `spec.paused` or the paused annotation. */
  Paused: 'Paused',
  /** The object is being deleted and cleanup is running. */
  Deleting: 'Deleting',
  /** A transient error; it is retried with backoff. */
  Retrying: 'Retrying',
  /** A terminal error that needs a person. */
  Failed: 'Failed',
  /** A condition's status is not known yet. */
  Unknown: 'Unknown',
  /** A CertificateAuthority or Certificate with the name a Cluster's PKI needs exists and is not the Cluster's: never taken over. */
  PkiConflict: 'PkiConflict',
} as const;
export type Reason = (typeof Reason)[keyof typeof Reason];

/** Well-known certificate components of a guest cluster. Certificates may use other names too. */
export const Component = {
  Api: 'api',
  Etcd: 'etcd',
  Worker: 'worker',
  Admin: 'admin',
  ServiceAccount: 'service-account',
  FlanneldEtcdClient: 'flanneld-etcd-client',
  CalicoEtcdClient: 'calico-etcd-client',
} as const;
export type Component = (typeof Component)[keyof typeof Component];
