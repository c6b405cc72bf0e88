/**
 * Kubernetes versions a guest cluster may run. A Cluster naming any other version is
 * rejected by its CRD schema (an enum) and by `validateCluster`.
 */
export const SUPPORTED_KUBERNETES_VERSIONS = ['1.31.9', '1.32.5', '1.33.1'] as const;
/** A supported Kubernetes version (one of {@link SUPPORTED_KUBERNETES_VERSIONS}). */
export type KubernetesVersion = (typeof SUPPORTED_KUBERNETES_VERSIONS)[number];

/** The newest supported version; what samples and the quick start use. */
export const DEFAULT_KUBERNETES_VERSION: KubernetesVersion = '1.33.1';

/** Ingress controller version guests run when `spec.ingress.version` is not set. */
export const DEFAULT_INGRESS_VERSION = '1.12.1';
