/**
 * The Vault policies the PKI needs, least privilege, as HCL to give an administrator (README
 * "Vault policies"). Two holders, two policies: the operator (CertificateAuthority and
 * Certificate controllers) never writes policies nor mints tokens; only the node-token minter
 * (e.g. the AWS driver's `bootToken`) does, and only through a token role.
 */

/** Options of the policy builders; the prefixes must match those given to `createVaultPki`. */
export interface VaultPolicyOptions {
  /** @default 'pki-' */
  readonly mountPrefix?: string;
  /** @default 'kubeception-' */
  readonly policyPrefix?: string;
  /** @default 'kubeception-nodes' */
  readonly tokenRole?: string;
}

const block = (path: string, capabilities: readonly string[]) => [
  `path "${path}" {`,
  `  capabilities = [${capabilities.map((c) => `"${c}"`).join(', ')}]`,
  '}',
  '',
];

/**
 * The operator's policy: enable, read, tune and disable its mounts, and everything inside them
 * (roles, root, issue, revoke, tidy); keep its own token alive. No `sys/policy`, no
 * `auth/token/create`.
 */
export function operatorPolicy(options: VaultPolicyOptions = {}): string {
  const mounts = options.mountPrefix ?? 'pki-';
  return [
    ...block(`sys/mounts/${mounts}*`, ['create', 'read', 'update', 'delete']),
    ...block(`${mounts}*`, ['create', 'read', 'update', 'delete', 'list']),
    ...block('auth/token/lookup-self', ['read']),
    ...block('auth/token/renew-self', ['update']),
  ].join('\n');
}

/**
 * The node-token minter's policy: write token policies under the prefix, create tokens only
 * through the token role, read PKI roles (to refuse one that issues `system:masters`).
 */
export function tokenMinterPolicy(options: VaultPolicyOptions = {}): string {
  return [
    ...block(`sys/policy/${options.policyPrefix ?? 'kubeception-'}*`, ['create', 'read', 'update']),
    ...block(`auth/token/create/${options.tokenRole ?? 'kubeception-nodes'}`, ['update']),
    ...block('+/roles/+', ['read']),
    ...block('auth/token/lookup-self', ['read']),
    ...block('auth/token/renew-self', ['update']),
  ].join('\n');
}

/**
 * The token role (`auth/token/roles/<tokenRole>`) minted tokens go through: only policies under
 * the prefix, never the minter's or the operator's (name those outside the prefix), orphaned
 * (they outlive the minter's token, not its policy), at most a day.
 */
export function nodeTokenRole(options: VaultPolicyOptions = {}): Record<string, unknown> {
  return {
    allowed_policies_glob: [`${options.policyPrefix ?? 'kubeception-'}*`],
    disallowed_policies: ['root'],
    orphan: true,
    renewable: true,
    token_no_default_policy: true,
    token_explicit_max_ttl: '24h',
  };
}
