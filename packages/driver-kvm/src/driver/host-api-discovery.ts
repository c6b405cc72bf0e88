/**
 * `discoverHostApiVersions`: the versions the host serves PodDisruptionBudgets and EndpointSlices
 * at, which the KVM driver then renders, caches, writes and deletes them at. For each kind the
 * first version of {@link HOST_API_CANDIDATES} the host serves wins: v1, or the beta only on a host
 * that does not serve v1 (Kubernetes before 1.21). The host is asked the narrowest question the
 * SDK's client can ask it: a one-item list of the kind at that version. kube-apiserver answers
 * 404 for a resource at a group version it does not serve, which is what its discovery documents
 * say (see docs/decisions/016-host-api-versions.md); the kvm-operator may list both kinds
 * everywhere (its caches do), so the question needs no other permission.
 */
import type { KubeObject, ResourceDescriptor } from '@kubeception/sdk';
import type { KubeClient, KubeError } from '@kubeception/sdk/kube';
import { err, errAsync, ok, ResultAsync } from 'neverthrow';
import { HOST_API_CANDIDATES, type HostApiVersions } from '../render/host-api-versions.js';
import { kindAt } from './host.js';

/** Why the versions could not be decided. */
export type HostApiVersionsError =
  /** The host serves the kind at none of the versions the driver can use: the driver cannot run on it. */
  | {
      readonly kind: 'NotServed';
      /** The kind, as a {@link HostApiVersions} key. */
      readonly resource: keyof HostApiVersions;
      /** The versions asked for, in preference order. */
      readonly tried: readonly string[];
      readonly message: string;
    }
  /** The host did not answer whether it serves it (unreachable, forbidden, a server error): ask again later. */
  | { readonly kind: 'Unanswered'; readonly resource: keyof HostApiVersions; readonly message: string; readonly cause: KubeError };

/**
 * The versions of PodDisruptionBudgets and EndpointSlices `kube`'s server serves (the newest the
 * driver can use), or why there are none.
 *
 * @example
 * ```ts
 * import { createKvmDriver, discoverHostApiVersions } from '@kubeception/driver-kvm';
 *
 * const hostApiVersions = (await discoverHostApiVersions(kube))._unsafeUnwrap(); // { podDisruptionBudget: 'policy/v1beta1', … } on 1.20
 * const driver = createKvmDriver({ ...options, kube, hostApiVersions });
 * ```
 */
export function discoverHostApiVersions(kube: KubeClient): ResultAsync<HostApiVersions, HostApiVersionsError> {
  return ResultAsync.combine([servedVersion(kube, 'podDisruptionBudget'), servedVersion(kube, 'endpointSlice')]).map(
    ([podDisruptionBudget, endpointSlice]) => ({ podDisruptionBudget, endpointSlice }) as HostApiVersions,
  );
}

/** The first candidate version of `resource` the host serves. */
function servedVersion<K extends keyof HostApiVersions>(kube: KubeClient, resource: K): ResultAsync<HostApiVersions[K], HostApiVersionsError> {
  const tried = HOST_API_CANDIDATES[resource];
  const ask = (i: number): ResultAsync<HostApiVersions[K], HostApiVersionsError> => {
    const version = tried[i];
    if (version === undefined) {
      const message = `the host serves ${resource === 'podDisruptionBudget' ? 'PodDisruptionBudgets' : 'EndpointSlices'} at none of ${tried.join(', ')}, which the KVM driver writes`;
      return errAsync({ kind: 'NotServed', resource, tried, message });
    }
    return serves(kube, kindAt(resource, version))
      .mapErr((cause): HostApiVersionsError => ({ kind: 'Unanswered', resource, message: `is ${version} served? ${cause.message}`, cause }))
      .andThen((yes) => (yes ? ok(version) : ask(i + 1)));
  };
  return ask(0);
}

/** Whether the server serves `descriptor`'s kind at its version: its first page of one item, or 404. */
function serves(kube: KubeClient, descriptor: ResourceDescriptor<KubeObject, KubeObject>): ResultAsync<boolean, KubeError> {
  const firstPage = async () => {
    for await (const page of kube.resource(descriptor).listPages({ limit: 1 })) return page;
    return undefined;
  };
  return ResultAsync.fromSafePromise(firstPage()).andThen((page) => {
    if (page === undefined || page.isOk()) return ok(true);
    return page.error.kind === 'NotFound' ? ok(false) : err(page.error);
  });
}
