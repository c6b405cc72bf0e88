/**
 * Whether the CertificateAuthorities and Certificates of {@link drawPkiWorkload} have converged,
 * judged from outside the cert-operator: the objects and Secrets through the API server, Vault's
 * mounts over HTTP. An alive CA is Ready at its generation with its mount; each of its
 * Certificates is Ready at its generation with exactly one Secret, owned by it, whose leaf is
 * what its spec asks (common name, DNS names, lifetime) and chains to the CA's root. A deleted CA
 * left nothing: no object, no Secret, no mount. No object outlives its owner.
 */
import { X509Certificate } from 'node:crypto';
import {
  CertificateAuthorityResource,
  CertificateResource,
  certificateSecretName,
  clusterId,
  parseDuration,
  type Certificate,
  type CertificateAuthority,
  type KubeObject,
  type Persisted,
} from '@kubeception/sdk';
import { SecretResource, type KubeClient } from '@kubeception/sdk/kube';
import { keyProblems, listAll, orphans, sorted } from './convergence.js';
import { certificateNames, PKI_LABEL } from './pki-workload.js';
import type { ExpectedObjects } from './sigkill-scenario.js';

/** How the test reaches what it checks. */
export interface PkiOutside {
  /** A client of the host API server. */
  readonly kube: KubeClient;
  /** Vault's mounts (`pki-<id>/`, `sys/`, …), read with a token that may. */
  readonly vaultMounts: () => Promise<readonly string[]>;
}

/** A Secret as listed. */
type Secret = Persisted<KubeObject & { type?: string; data?: Record<string, string> }>;

/** What the host and Vault hold, read once. */
interface PkiSnapshot {
  readonly authorities: ReadonlyMap<string, Persisted<CertificateAuthority>>;
  readonly certificates: readonly Persisted<Certificate>[];
  readonly secrets: readonly Secret[];
  readonly mounts: readonly string[];
  readonly orphans: readonly string[];
}

/** The Vault mount of the CA `ca` in `namespace`, with Vault's trailing slash. */
export const mountOf = (ca: string, namespace: string) => `pki-${clusterId({ namespace, name: ca })}/`;

/** Whether an object's Ready condition is True for its current generation. */
function readyNow(o: Persisted<CertificateAuthority> | Persisted<Certificate>): boolean {
  const ready = o.status?.conditions?.find((c) => c.type === 'Ready');
  return ready?.status === 'True' && (ready.observedGeneration ?? o.status?.observedGeneration) === o.metadata.generation;
}

const text = (secret: Secret | undefined, key: string) => Buffer.from(secret?.data?.[key] ?? '', 'base64').toString('utf8');

/** What is wrong with the leaf of `secret` for `cert` issued by `caPem`: spec, lifetime, chain. */
function leafProblems(cert: Persisted<Certificate>, secret: Secret, caPem: string): string[] {
  const name = cert.metadata.name;
  let leaf: X509Certificate;
  let root: X509Certificate;
  try {
    [leaf, root] = [new X509Certificate(text(secret, 'tls.crt')), new X509Certificate(caPem)];
  } catch (error) {
    return [`${name}: unreadable certificate (${(error as Error).message})`];
  }
  const sans = sorted((leaf.subjectAltName ?? '').split(', ').flatMap((san) => (san.startsWith('DNS:') ? [san.slice(4)] : [])));
  const wanted = sorted(new Set([cert.spec.commonName, ...cert.spec.dnsNames]));
  const lifetime = Date.parse(leaf.validTo) - Date.parse(leaf.validFrom);
  const ttl = parseDuration(cert.spec.ttl) ?? 0;
  return [
    ...(leaf.subject.split('\n').includes(`CN=${cert.spec.commonName}`) ? [] : [`${name}: subject ${leaf.subject.replaceAll('\n', ', ')}`]),
    ...(JSON.stringify(sans) === JSON.stringify(wanted) ? [] : [`${name}: DNS names ${sans.join(',')}, not ${wanted.join(',')}`]),
    // the fake Vault backdates notBefore by the role's not_before_duration (30 s)
    ...(Math.abs(lifetime - ttl) <= 120_000 ? [] : [`${name}: lives ${lifetime / 3_600_000} h, not ${cert.spec.ttl}`]),
    ...(leaf.checkIssued(root) && leaf.verify(root.publicKey) ? [] : [`${name}: does not chain to its CA's root`]),
    ...(text(secret, 'ca.crt').trim() === caPem.trim() ? [] : [`${name}: ca.crt is not its CA's root`]),
  ];
}

/** The problems of one Certificate of an alive CA. */
function certificateProblems(cert: Persisted<Certificate>, ca: Persisted<CertificateAuthority>, s: PkiSnapshot): string[] {
  const name = cert.metadata.name;
  const owned = s.secrets.filter((secret) => secret.metadata.ownerReferences?.some((r) => r.uid === cert.metadata.uid));
  const problems = keyProblems(
    `${name} Secrets`,
    owned.map((secret) => secret.metadata.name),
    [certificateSecretName(cert)],
  );
  const secret = owned.find((o) => o.metadata.name === certificateSecretName(cert));
  if (!readyNow(cert)) return [...problems, `${name}: not Ready at generation ${cert.metadata.generation}`];
  return [...problems, ...(secret ? leafProblems(cert, secret, ca.status?.certificate ?? '') : [])];
}

/** The problems of a CA that must exist, and of its Certificates. */
function aliveProblems(name: string, namespace: string, s: PkiSnapshot): string[] {
  const ca = s.authorities.get(name);
  if (!ca) return [`${name}: missing`];
  const certificates = s.certificates.filter((c) => c.metadata.labels?.[PKI_LABEL] === name);
  return [
    ...(readyNow(ca) ? [] : [`${name}: not Ready at generation ${ca.metadata.generation}`]),
    ...(s.mounts.includes(mountOf(name, namespace)) ? [] : [`${name}: no Vault mount ${mountOf(name, namespace)}`]),
    ...keyProblems(
      `${name} Certificates`,
      certificates.map((c) => c.metadata.name),
      certificateNames(name),
    ),
    ...certificates.flatMap((c) => certificateProblems(c, ca, s)),
  ];
}

/** The problems of a deleted CA: anything left. */
function goneProblems(name: string, namespace: string, s: PkiSnapshot): string[] {
  const secrets = new Set(certificateNames(name));
  return [
    ...(s.authorities.has(name) ? [`${name}: still there`] : []),
    ...s.certificates.filter((c) => c.metadata.labels?.[PKI_LABEL] === name).map((c) => `${name}: left Certificate/${c.metadata.name}`),
    ...s.secrets.filter((secret) => secrets.has(secret.metadata.name)).map((secret) => `${name}: left Secret/${secret.metadata.name}`),
    ...(s.mounts.includes(mountOf(name, namespace)) ? [`${name}: left Vault mount ${mountOf(name, namespace)}`] : []),
  ];
}

/** Everything that keeps the CAs and Certificates of `namespace` from being as `expected`; empty once converged. */
export async function pkiProblems(outside: PkiOutside, namespace: string, expected: ExpectedObjects): Promise<string[]> {
  const [authorities, certificates, secrets, mounts] = await Promise.all([
    listAll<CertificateAuthority>(outside.kube, CertificateAuthorityResource, namespace),
    listAll<Certificate>(outside.kube, CertificateResource, namespace),
    listAll<Secret>(outside.kube, SecretResource, namespace),
    outside.vaultMounts(),
  ]);
  const s: PkiSnapshot = {
    authorities: new Map(authorities.map((ca) => [ca.metadata.name, ca])),
    certificates,
    secrets,
    mounts,
    orphans: orphans([...authorities, ...certificates, ...secrets]),
  };
  const pkiMounts = mounts.filter((m) => m.startsWith('pki-'));
  return [
    ...expected.alive.flatMap((name) => aliveProblems(name, namespace, s)),
    ...expected.gone.flatMap((name) => goneProblems(name, namespace, s)),
    ...keyProblems(
      'Vault mounts',
      pkiMounts,
      expected.alive.map((name) => mountOf(name, namespace)),
    ),
    ...s.orphans,
  ];
}
