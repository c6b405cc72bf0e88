/**
 * A stateful fake HashiCorp Vault as msw 2 handlers (in-process with `setupServer`), also
 * servable on a real 127.0.0.1 port. It answers with Vault's request/response shapes and its
 * error format (`{"errors":[...]}` with Vault's status codes and wording).
 *
 * ## What it models
 * - `sys/mounts` (enable `pki`, list, read, disable; each mount keeps its `description`, returned by
 *   `GET sys/mounts` and `GET sys/mounts/:path` and changed by tune), `sys/mounts/:path/tune`, `sys/health`,
 *   `sys/seal-status`, `sys/seal`, `sys/unseal`; a sealed Vault answers 503 `Vault is sealed`.
 *   A mount's TTLs resolve like Vault's system view: its own when set, else the system's, the
 *   default not capped by the max; tuning takes effect on the mount's engine at once.
 * - The PKI engine: `root/generate/internal|exported`, `DELETE root`, `roles/:name` (create, read,
 *   list, delete), `issue/:role`, `sign/:role` (CSR), `revoke`, `cert/ca`, `cert/ca_chain`,
 *   `ca`, `ca/pem`, `ca_chain`, `cert/:serial`, `certs`, `certs/revoked`, `crl`, `crl/pem`,
 *   `cert/crl`, `crl/rotate`, `tidy`, `tidy-status`. Real X.509 (`@peculiar/x509`): ECDSA
 *   P-256/384/521 or RSA, DNS/IP/email SANs, key usage, EKU from `server_flag`/`client_flag`/`ext_key_usage`, O/OU/C
 *   from the role, serials as `aa:bb:..`, chains that pass `openssl verify`.
 * - The CRL as Vault keeps it: stored, rebuilt on root generation, on each new revocation, on a tidy
 *   that removed revoked certificates and on `crl/rotate`; v2 with the Authority Key Identifier and a
 *   CRL Number (1 for a new issuer, +1 per rebuild), valid 72 h, PEM `X509 CRL`; it passes
 *   `openssl crl` and `openssl verify -crl_check`.
 * - Role enforcement ported from Vault's `ValidateNames`/`GetCertificateNotAfter`:
 *   `allowed_domains`, `allow_subdomains`, `allow_bare_domains`, `allow_glob_domains`,
 *   `allow_localhost`, `allow_any_name`, `allow_wildcard_certificates`, `enforce_hostnames`,
 *   `allow_ip_sans`, `ttl`/`max_ttl` (a longer TTL is capped with Vault's warning) and the CA's
 *   notAfter (Vault's default `leaf_not_after_behavior=err`: refused with Vault's message).
 * - Tokens: a root token, `auth/token/create` (+ `create-orphan`), `lookup-self`, `lookup`,
 *   `renew-self`, `renew`, `revoke`, `revoke-self`; TTLs, `renewable`, `num_uses`,
 *   `explicit_max_ttl`, child revocation with the parent, "child policies must be subset of parent";
 *   token roles (`auth/token/roles/:name`, `auth/token/create/:role`) with `allowed_policies`,
 *   `allowed_policies_glob`, `disallowed_policies`, `disallowed_policies_glob`, `orphan`,
 *   `renewable`, `token_explicit_max_ttl`, `token_no_default_policy`, `token_num_uses`, `path_suffix`.
 * - ACL policies (`sys/policy/:name`, `sys/policies/acl/:name`, HCL or JSON) enforced on every
 *   request with Vault's `*`/`+` globs and priority rules, existence checks (`create` vs `update`
 *   on roles and policies), `sudo` on `sys/seal`, the built-in `default` policy;
 *   `sys/capabilities-self`.
 * - Response wrapping: `X-Vault-Wrap-TTL` → `wrap_info`; `sys/wrapping/unwrap` (single use) and
 *   `sys/wrapping/lookup`.
 * - `LIST` and `GET ...?list=true|1`, in-process and on the served port (where Node's HTTP parser
 *   rejects `LIST`, so the server answers it itself); a simulated clock (`now`); fault injection
 *   (failures with a status, latency, seal/unseal) and a request log.
 *
 * ## What it does not model
 * Storage backends, HA/standby/replication, namespaces, secrets engines other than `pki` (enabling
 * one answers 400), auth methods other than tokens (no AppRole, Kubernetes, userpass…),
 * periodic and batch tokens, leases (`sys/leases`), audit devices, identity/entities,
 * sentinel/EGP, control groups, rate-limit quotas (inject 429 instead); token roles' `token_period`,
 * `token_bound_cidrs`, `allowed_entity_aliases` and `token_type`. In PKI: one issuer per
 * mount (a second `root/generate` replaces it, where Vault 1.11+ keeps both), no intermediates
 * (`intermediate/*`, `root/sign-intermediate`), no `issuers/`, `keys/`, `config/*`, ACME, OCSP,
 * delta CRLs, `leaf_not_after_behavior` other than `err`, other SANs/URI SANs, `allowed_domains`
 * templates, `allow_token_displayname`, `cn_validations`, `not_before_duration` beyond the role
 * value; `config/crl` (expiry fixed at 72 h; no `auto_rebuild`, so as in Vault's default an expired
 * CRL stays until a revocation or `crl/rotate`), CRL entry reason codes; `DELETE root` answers 204
 * (Vault: 200 with a warning); tidy runs synchronously. Tune does not refuse a max below the
 * default. On the served port a `LIST` is answered with `Connection: close` (the client reconnects),
 * and a `LIST` pipelined behind another request or with a chunked body, or any other method Node's
 * parser does not know, gets 400 (Vault: 405 for unknown methods).
 *
 * @example
 * ```ts
 * import { createFakeVault } from '@kubeception/testing';
 * import { setupServer } from 'msw/node';
 * import nodeVault from 'node-vault';
 *
 * const vault = createFakeVault();
 * const server = setupServer(...vault.handlers);
 * server.listen({ onUnhandledRequest: 'bypass' });
 * const client = nodeVault({ endpoint: 'http://vault.test:8200', token: vault.rootToken, noCustomHTTPVerbs: true });
 * await client.mount({ mount_point: 'pki-a', type: 'pki', config: { max_lease_ttl: '87600h' } });
 * await client.write('pki-a/root/generate/internal', { common_name: 'a-ca', ttl: '87600h' });
 * vault.faults.fail({ path: 'pki-a/issue/', status: 503, times: 2 });
 * server.close();
 * ```
 * @packageDocumentation
 */

// Fake Vault
export { createFakeVault, startFakeVault } from './fake-vault.js';
export type { FakeVault, FakeVaultCertificate, FakeVaultOptions, FakeVaultStateView, StartedFakeVault } from './fake-vault.js';
export type { ServedHandlers } from '../shared/index.js';

// Fault injection and request log
export type { VaultFailureSpec, VaultFaultHandle, VaultFaultMatch, VaultFaults, VaultGateTarget, VaultLatencySpec } from './faults.js';
export type { VaultRequestFilter, VaultRequestLog, VaultRequestRecord } from './request-log.js';
export type { Operation as VaultOperation } from './types.js';
