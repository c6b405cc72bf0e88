/** Cache indexes and keys shared by the PKI controllers (internal). */
import type { ClusterCoordinates } from '@kubeception/sdk';
import type { AuthorityOwner } from '@kubeception/sdk';

/** Index of PKI objects by their cluster (`namespace/clusterRef`): a lookup, not a walk of every object. */
export const BY_CLUSTER = 'kubeception.io/clusterRef';

type ClusterOwned = { readonly metadata: { readonly namespace?: string | undefined }; readonly spec?: { readonly clusterRef?: { readonly name?: string } } };

/** `namespace/clusterRef`: the Cluster a CertificateAuthority or Certificate refers to, always in its own namespace. */
export const clusterKey = (o: ClusterOwned): string => `${o.metadata.namespace ?? ''}/${o.spec?.clusterRef?.name ?? ''}`;
/** The index function of {@link BY_CLUSTER}. */
export const clusterOf = (o: ClusterOwned): readonly string[] => (o.spec?.clusterRef?.name ? [clusterKey(o)] : []);

/** The Cluster an object refers to: its `clusterRef`, in the object's own namespace. */
export function coordinates(o: {
  readonly metadata: { readonly namespace?: string | undefined };
  readonly spec: { readonly clusterRef: { readonly name: string } };
}): ClusterCoordinates {
  return { namespace: o.metadata.namespace ?? '', name: o.spec.clusterRef.name };
}

/** A CertificateAuthority as the owner of its PKI. */
export function ownerOf(ca: {
  readonly kind: string;
  readonly metadata: { readonly namespace?: string | undefined; readonly name: string; readonly uid: string };
}): AuthorityOwner {
  return { kind: ca.kind, namespace: ca.metadata.namespace ?? '', name: ca.metadata.name, uid: ca.metadata.uid };
}
