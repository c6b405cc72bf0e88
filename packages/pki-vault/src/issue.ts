/** Roles, issuing and revoking (internal). */
import { SecretValue, pkiError, type PkiBackend, type PkiError, type RoleSpec } from '@kubeception/sdk';
import { errAsync, okAsync, type ResultAsync } from 'neverthrow';
import { certificateFacts } from './certificates.js';
import type { VaultCalls } from './vault-client.js';
import { nothing, seconds, type Naming } from './vault-naming.js';

/** The Vault role body for a role spec. Kubernetes CNs are user names, not host names. */
export function roleBody(role: RoleSpec): Record<string, unknown> {
  return {
    allowed_domains: [...role.allowedDomains],
    allow_subdomains: role.allowSubdomains,
    allow_bare_domains: role.allowBareDomains,
    allow_ip_sans: role.allowIPSANs,
    allow_localhost: false,
    allow_glob_domains: false,
    enforce_hostnames: false,
    organization: [...role.organizations],
    server_flag: true,
    client_flag: true,
    key_type: role.keyType ?? 'ec',
    key_bits: (role.keyType ?? 'ec') === 'rsa' ? 2048 : 256,
    ...(role.ttl ? { ttl: seconds(role.ttl) } : {}),
    ...(role.maxTTL ? { max_ttl: seconds(role.maxTTL) } : {}),
  };
}

export function issueCalls(vault: VaultCalls, naming: Naming): Pick<PkiBackend, 'ensureRole' | 'issue' | 'revoke'> {
  return {
    ensureRole: (role) => {
      const path = `${naming.mount(role.cluster)}/roles/${role.name}`;
      const wanted = roleBody(role);
      return vault
        .read<Record<string, unknown>>(path)
        .map((r) => r.data)
        .orElse((e): ResultAsync<Record<string, unknown> | undefined, PkiError> => (e.kind === 'NotFound' ? okAsync(undefined) : errAsync(e)))
        .andThen((current) => (current !== undefined && sameRole(current, wanted) ? nothing() : vault.write(path, wanted).map(() => undefined)));
    },
    issue: (request) =>
      vault
        .write<{ certificate: string; issuing_ca: string; ca_chain?: string[]; private_key: string; serial_number: string }>(
          `${naming.mount(request.cluster)}/issue/${request.role}`,
          { common_name: request.commonName, alt_names: request.dnsNames.join(','), ip_sans: request.ipAddresses.join(','), ttl: request.ttl, format: 'pem' },
        )
        .andThen((response) => {
          const data = response?.data;
          if (data === undefined) return errAsync(pkiError('Unavailable', 'Vault answered an issue request without data'));
          const facts = certificateFacts(data.certificate);
          return okAsync({
            certificate: data.certificate,
            chain: data.ca_chain?.length ? data.ca_chain : [data.issuing_ca],
            caCertificate: data.issuing_ca,
            privateKey: new SecretValue(data.private_key),
            serialNumber: data.serial_number,
            notBefore: facts.notBefore,
            notAfter: facts.notAfter,
          });
        }),
    revoke: (cluster, serialNumber) => vault.write(`${naming.mount(cluster)}/revoke`, { serial_number: serialNumber }).map(() => undefined),
  };
}

function sameRole(current: Record<string, unknown>, wanted: Record<string, unknown>): boolean {
  return Object.entries(wanted).every(([key, value]) => JSON.stringify(current[key]) === JSON.stringify(value));
}
