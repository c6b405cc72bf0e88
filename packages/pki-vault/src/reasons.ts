/** Condition reasons of the PKI controllers, besides the SDK's common ones. */
export const PkiReason = {
  /** A CertificateAuthority's `clusterRef` names no Cluster of its namespace: nothing is created. */
  ClusterNotFound: 'ClusterNotFound',
  /** The cluster's PKI belongs to another CertificateAuthority (or to something else in Vault): nothing is written. */
  MountConflict: 'MountConflict',
  /** A Certificate's `clusterRef` has no CertificateAuthority in the Certificate's namespace. */
  AuthorityNotFound: 'AuthorityNotFound',
  /** A Certificate's Secret exists and is not the Certificate's own: nothing is written. */
  SecretConflict: 'SecretConflict',
  /** Vault issued from another root than the CertificateAuthority reports: waiting for it to catch up. */
  AuthorityChanged: 'AuthorityChanged',
  /** The CA ends too soon for a certificate to outlive renewBefore. */
  CAExpiring: 'CAExpiring',
} as const;
export type PkiReason = (typeof PkiReason)[keyof typeof PkiReason];
