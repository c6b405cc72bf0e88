/**
 * `@kubeception/pki-vault`: the Kubeception PKI on Vault. One PKI mount (`pki-<cluster>`,
 * root key generated inside Vault) per guest cluster, one role per component, certificates
 * issued per Certificate, a policy and token per cluster for guests that renew themselves.
 *
 * In progress: the cert-operator example follows.
 *
 * @example
 * ```ts
 * import vault from 'node-vault';
 * import { createVaultPki } from '@kubeception/pki-vault';
 *
 * const client = vault({ endpoint: process.env.VAULT_ADDR, token: process.env.VAULT_TOKEN, noCustomHTTPVerbs: true });
 * const pki = createVaultPki({ client });
 * const result = await pki.ensureAuthority({ cluster: 'demo', commonName: 'demo.k8s.example.com', ttl: '87600h', keyType: 'ec' });
 * ```
 * @packageDocumentation
 */
export { createVaultPki } from './vault-pki.js';
export type { Naming, VaultPkiOptions } from './vault-pki.js';
export { clusterPolicy } from './tokens.js';
export { roleBody } from './issue.js';
export { toPkiError } from './errors.js';
export { startTokenRenewal } from './token-renewal.js';
export type { TokenRenewalOptions, TokenRenewalState } from './token-renewal.js';
export type { VaultClient } from './vault-client.js';
export { clusterPki, componentCertificates } from './cluster-pki.js';
export { createCertificateAuthorityController } from './certificate-authority-controller.js';
export type { CertificateAuthorityControllerOptions } from './certificate-authority-controller.js';
export { createCertificateController } from './certificate-controller.js';
export type { CertificateControllerOptions } from './certificate-controller.js';
export { RENEWAL_JITTER, issueReason, renewalTime, ttlWithin } from './renewal.js';
export type { PkiControllerError } from './conditions.js';
