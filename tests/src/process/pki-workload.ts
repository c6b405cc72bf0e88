/**
 * A random workload of CertificateAuthorities and Certificates for tests that disturb the
 * cert-operator meanwhile: CAs `<prefix>-a`, `<prefix>-b`, … each with the Cluster it serves (a
 * CA serves only an existing Cluster of its namespace; no Cluster controller runs, so it is only
 * an object) and three Certificates (one role that takes any name under the CA's domain),
 * Certificates changed (their dnsNames or ttl) and CAs deleted with their Certificates and
 * Cluster, in an order drawn from a seed.
 */
import { CertificateAuthorityResource, CertificateResource, ClusterResource, type CertificateAuthorityInput, type CertificateInput } from '@kubeception/sdk';
import type { KubeClient, KubeError } from '@kubeception/sdk/kube';
import { ResultAsync } from 'neverthrow';
import { kvmClusterInput } from '../kvm/kvm-world.js';
import type { ScenarioWorkload } from './sigkill-scenario.js';
import type { SeededRandom } from './seeded-random.js';

/** Certificates per CA. */
export const CERTIFICATES_PER_CA = 3;
/** The label naming the CA (its clusterRef) of every object of the workload. */
export const PKI_LABEL = 'kubeception.io/cluster';
/** The ttl of a new Certificate (the CRD's default). */
const FIRST_TTL = '72h';
/** The ttls a change picks from (the role issues up to 720h). */
const TTLS = ['24h', '48h', '72h', '96h', '120h'] as const;

/** The Certificates of the CA `ca`: `<ca>-c0`, `<ca>-c1`, … */
export const certificateNames = (ca: string): string[] => Array.from({ length: CERTIFICATES_PER_CA }, (_, i) => `${ca}-c${i}`);

/** One step of the workload. */
export type PkiAction =
  | { readonly kind: 'create'; readonly ca: string }
  | { readonly kind: 'dnsNames'; readonly ca: string; readonly certificate: string; readonly dnsNames: readonly string[] }
  | { readonly kind: 'ttl'; readonly ca: string; readonly certificate: string; readonly ttl: string }
  | { readonly kind: 'delete'; readonly ca: string };

/** The CA `ca` in `namespace`: an EC root, one role `server` for any name under `<ca>.example.com`. */
export function authorityInput(ca: string, namespace: string): CertificateAuthorityInput {
  const domain = `${ca}.example.com`;
  return {
    apiVersion: 'kubeception.io/v1alpha1',
    kind: 'CertificateAuthority',
    metadata: { name: ca, namespace, labels: { [PKI_LABEL]: ca } },
    spec: {
      clusterRef: { name: ca },
      commonName: domain,
      keyType: 'ec',
      roles: [{ name: 'server', allowedDomains: [domain], allowBareDomains: true, allowSubdomains: true, maxTTL: '720h' }],
    },
  };
}

/** The Certificate `<ca>-c<i>` in `namespace`, for `c<i>.<ca>.example.com`. */
export function certificateInput(ca: string, i: number, namespace: string): CertificateInput {
  const name = `c${i}.${ca}.example.com`;
  return {
    apiVersion: 'kubeception.io/v1alpha1',
    kind: 'Certificate',
    metadata: { name: `${ca}-c${i}`, namespace, labels: { [PKI_LABEL]: ca } },
    spec: { clusterRef: { name: ca }, component: `c${i}`, role: 'server', commonName: name, dnsNames: [name], ttl: FIRST_TTL },
  };
}

/** The shape of the workload: creates, then changes and deletes of CAs alive at that point, and more creates. */
const SHAPE = ['create', 'create', 'create', 'change', 'delete', 'create', 'change', 'change', 'delete', 'create', 'change', 'change'] as const;

/** A change of one Certificate of `ca` (always a change: another ttl, or another extra name). */
function drawChange(random: SeededRandom, ca: string, ttls: Map<string, string>): PkiAction {
  const i = random.int(0, CERTIFICATES_PER_CA - 1);
  const certificate = `${ca}-c${i}`;
  if (random.next() < 0.5) {
    const now = ttls.get(certificate) ?? FIRST_TTL;
    const ttl = random.pick(TTLS.filter((t) => t !== now));
    ttls.set(certificate, ttl);
    return { kind: 'ttl', ca, certificate, ttl };
  }
  const extra = `v${random.int(1, 999_999)}.${ca}.example.com`; // a new name each time
  return { kind: 'dnsNames', ca, certificate, dnsNames: [`c${i}.${ca}.example.com`, extra] };
}

/** A workload drawn from `random`: CAs `<prefix>-a`, `<prefix>-b`, … */
export function drawPkiWorkload(random: SeededRandom, prefix: string): ScenarioWorkload<PkiAction> {
  const alive: string[] = [];
  const gone: string[] = [];
  const ttls = new Map<string, string>();
  let made = 0;
  const actions = SHAPE.map((kind): PkiAction => {
    if (kind === 'create') {
      const ca = `${prefix}-${String.fromCharCode(97 + made++)}`;
      alive.push(ca);
      return { kind, ca };
    }
    const ca = random.pick(alive);
    if (kind === 'change') return drawChange(random, ca, ttls);
    alive.splice(alive.indexOf(ca), 1);
    gone.push(ca);
    return { kind, ca };
  });
  return { actions, alive, gone };
}

/** What `action` does, in a line. */
export function describePkiAction(action: PkiAction): string {
  if (action.kind === 'dnsNames') return `${action.certificate} dnsNames ${action.dnsNames.join(',')}`;
  if (action.kind === 'ttl') return `${action.certificate} ttl ${action.ttl}`;
  return `${action.kind} ${action.ca}`;
}

/** The requests of `action`, one after the other. */
function requests(kube: KubeClient, action: PkiAction, namespace: string): ResultAsync<unknown, KubeError> {
  const [clusters, cas, certificates] = [kube.resource(ClusterResource), kube.resource(CertificateAuthorityResource), kube.resource(CertificateResource)];
  const inOrder = (steps: readonly (() => ResultAsync<unknown, KubeError>)[]) =>
    steps.reduce<ResultAsync<unknown, KubeError>>((done, step) => done.andThen(step), ResultAsync.fromSafePromise(Promise.resolve(undefined)));
  const certs = Array.from({ length: CERTIFICATES_PER_CA }, (_, i) => i);
  if (action.kind === 'create')
    return inOrder([
      () => clusters.create(kvmClusterInput(action.ca, { namespace })),
      () => cas.create(authorityInput(action.ca, namespace)),
      ...certs.map((i) => () => certificates.create(certificateInput(action.ca, i, namespace))),
    ]);
  if (action.kind === 'delete')
    return inOrder([
      ...certificateNames(action.ca).map((name) => () => certificates.delete(name, { namespace })),
      () => cas.delete(action.ca, { namespace }),
      () => clusters.delete(action.ca, { namespace }),
    ]);
  const body = action.kind === 'ttl' ? { spec: { ttl: action.ttl } } : { spec: { dnsNames: action.dnsNames } };
  return certificates.patch(action.certificate, { type: 'merge', body }, { namespace });
}

/** Does `action` through the API server (a failure throws: the test's own requests must pass). */
export async function runPkiAction(kube: KubeClient, action: PkiAction, namespace = 'default'): Promise<void> {
  await requests(kube, action, namespace).match(
    () => undefined,
    (error) => {
      throw new Error(`${describePkiAction(action)}: ${error.message}`);
    },
  );
}
