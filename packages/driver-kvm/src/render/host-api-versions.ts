/**
 * The API versions of the host kinds whose version depends on the host's Kubernetes version:
 * PodDisruptionBudgets (`policy/v1` from 1.21, `policy/v1beta1` before, removed in 1.25) and
 * EndpointSlices (`discovery.k8s.io/v1` from 1.21, `v1beta1` from 1.17, removed in 1.25). The
 * driver renders, caches, writes and deletes them at the versions the host serves (see the
 * driver's `discoverHostApiVersions`). The fields it writes are the same at both versions: a
 * budget's `maxUnavailable` and `selector`; a slice's `addressType`, `ports` and endpoints'
 * `addresses`, `hostname` and `conditions.ready` (v1 renamed v1beta1's `topology` to
 * `nodeName`/`zone`, which the driver does not write).
 */

/** The versions the driver writes PodDisruptionBudgets and EndpointSlices at. */
export interface HostApiVersions {
  /** `policy/v1`, or `policy/v1beta1` on hosts older than 1.21. */
  readonly podDisruptionBudget: 'policy/v1' | 'policy/v1beta1';
  /** `discovery.k8s.io/v1`, or `discovery.k8s.io/v1beta1` on hosts older than 1.21. */
  readonly endpointSlice: 'discovery.k8s.io/v1' | 'discovery.k8s.io/v1beta1';
}

/** The versions current Kubernetes serves (1.25 and later serve nothing else): the default. */
export const CURRENT_HOST_API_VERSIONS: HostApiVersions = { podDisruptionBudget: 'policy/v1', endpointSlice: 'discovery.k8s.io/v1' };

/**
 * The versions the driver can use for each kind, in preference order: the first the host serves
 * is chosen; a beta only when the host does not serve v1.
 */
export const HOST_API_CANDIDATES: { readonly [K in keyof HostApiVersions]: readonly [HostApiVersions[K], HostApiVersions[K]] } = {
  podDisruptionBudget: ['policy/v1', 'policy/v1beta1'],
  endpointSlice: ['discovery.k8s.io/v1', 'discovery.k8s.io/v1beta1'],
};
