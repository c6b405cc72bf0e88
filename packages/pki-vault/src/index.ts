/**
 * `@kubeception/pki-vault`: the Kubeception PKI on Vault. One PKI mount (`pki-<cluster-id>`,
 * root key generated inside Vault) per guest cluster, one role per component, certificates
 * issued per Certificate, tokens limited to explicit roles for guests that renew themselves.
 *
 * ## Isolation (a shared host)
 * - Everything in Vault is named from the cluster ID (`clusterId({ namespace, name })` of
 *   `@kubeception/sdk`), never from the Cluster's name alone.
 * - A CertificateAuthority serves only the Cluster its `clusterRef` names in the CA's own
 *   namespace (`ClusterNotFound` otherwise, nothing created); a Certificate uses only the
 *   CertificateAuthority of its own namespace.
 * - A mount records its one owner (the CertificateAuthority, by uid) in its description; another
 *   CA gets `MountConflict`, writes nothing and never unmounts it.
 * - A Certificate creates its Secret, then writes it only while it owns it (`SecretConflict`
 *   otherwise) and deletes only its own; it is Ready only while the Secret's certificate verifies
 *   against the CA's current root.
 * - A minted token may issue from explicit roles only, never from one whose certificates carry
 *   `system:masters`.
 *
 * The cert-operator is assembled here too: {@link createCertOperator}, or
 * {@link certOperatorControllers} to run both controllers in a manager with others.
 *
 * @example
 * ```ts
 * import vault from 'node-vault';
 * import { createVaultPki, nodeRoles } from '@kubeception/pki-vault';
 *
 * const client = vault({ endpoint: process.env.VAULT_ADDR, token: process.env.VAULT_TOKEN, noCustomHTTPVerbs: true });
 * const pki = createVaultPki({ client });
 * const token = await pki.issueToken({ cluster: { namespace: 'default', name: 'demo' }, roles: nodeRoles('worker'), ttl: '1h', wrapTTL: '10m' });
 * ```
 * @packageDocumentation
 */
export { createVaultPki } from './vault-pki.js';
export type { VaultPkiOptions } from './vault-pki.js';
export { vaultNaming } from './vault-naming.js';
export type { Naming } from './vault-naming.js';
export { PRIVILEGED_ORGANIZATIONS, PRIVILEGED_ROLES, nodeRoles, rolesPolicy } from './tokens.js';
export { ownerDescription, parseOwner } from './ownership.js';
export { roleBody } from './issue.js';
export { toPkiError } from './errors.js';
export { startTokenRenewal } from './token-renewal.js';
export type { TokenRenewalOptions, TokenRenewalState } from './token-renewal.js';
export type { VaultClient } from './vault-client.js';
export { createCertificateAuthorityController } from './certificate-authority-controller.js';
export type { CertificateAuthorityControllerOptions } from './certificate-authority-controller.js';
export { createCertificateController } from './certificate-controller.js';
export type { CertificateControllerOptions } from './certificate-controller.js';
export { PkiReason } from './reasons.js';
export { RENEWAL_JITTER, issueReason, renewalTime, ttlWithin } from './renewal.js';
export type { SecretPems } from './renewal.js';
export type { PkiControllerError } from './conditions.js';
export { nodeTokenRole, operatorPolicy, tokenMinterPolicy } from './vault-policies.js';
export type { VaultPolicyOptions } from './vault-policies.js';

// The cert-operator: its controllers (to merge into another manager) and the operator itself
export { CERT_OPERATOR, certOperatorControllers, createCertOperator, withPkiControllers, withTokenRenewal } from './operator.js';
export type { CertOperatorControllersOptions, CertOperatorOptions, PkiControllersOnVault } from './operator.js';
export { nodeBootTokens } from './boot-tokens.js';
export type { BootTokenError, BootTokenMinter, NodeBootTokenOptions } from './boot-tokens.js';
