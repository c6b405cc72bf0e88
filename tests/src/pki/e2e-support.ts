/** Helpers of the PKI end-to-end tests: Clusters and their PKI on the harness, polling, openssl (internal). */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CertificateAuthorityResource, CertificateResource, ClusterResource, clusterId, getCondition, isTrue, type Condition } from '@kubeception/sdk';
import { NamespaceResource, SecretResource } from '@kubeception/sdk/kube';
import { clusterPki } from '@kubeception/sdk/cluster';
import { startPkiHarness, type PkiHarness } from './harness.js';

/** A valid KVM Cluster `namespace/name`. */
export const clusterInput = (name: string, namespace = 'default') => ({
  apiVersion: 'kubeception.io/v1alpha1' as const,
  kind: 'Cluster' as const,
  metadata: { name, namespace },
  spec: {
    provider: { kvm: {} },
    kubernetes: { version: '1.33.1' as const, api: { domain: `api.${name}.k8s.example.com` } },
    ingress: { domain: `${name}.k8s.example.com` },
    network: { podCIDR: '10.2.0.0/16' },
    masters: { cpus: 2, memory: '4Gi', disk: '20Gi' },
  },
});

/** The Vault mount of Cluster `namespace/name`. */
export const mountOf = (name: string, namespace = 'default') => `pki-${clusterId({ namespace, name })}`;

/** The scenario cannot go on without this step: fail loudly. */
const fatal =
  (what: string) =>
  (error: { readonly message: string }): never => {
    throw new Error(`could not ${what}: ${error.message}`);
  };
const value = <T>(v: T): T => v;

/** Creates a namespace on the fake host (objects cannot live in one that does not exist). */
export async function createNamespace(h: PkiHarness, name: string): Promise<void> {
  await h.kube
    .resource(NamespaceResource)
    .create({ apiVersion: 'v1', kind: 'Namespace', metadata: { name } })
    .match(() => undefined, fatal(`create namespace ${name}`));
}

/** Creates the Cluster (unless `clusterToo` is false) and the CertificateAuthority and Certificates `clusterPki` makes for it. */
export async function createClusterPki(h: PkiHarness, name: string, namespace = 'default', clusterToo = true) {
  const created = clusterToo
    ? await h.kube
        .resource(ClusterResource)
        .create(clusterInput(name, namespace) as never)
        .match(value, fatal(`create Cluster ${name}`))
    : { ...clusterInput(name, namespace), metadata: { name, namespace, uid: `not-a-cluster-${namespace}-${name}`, resourceVersion: '1', generation: 1 } };
  const made = clusterPki(created as never);
  // without a Cluster there is no owner (the garbage collector would delete what an absent uid owns)
  const unowned = <T extends { metadata: object }>(o: T): T => (clusterToo ? o : { ...o, metadata: { ...o.metadata, ownerReferences: [] } });
  const pki = { authority: unowned(made.authority), certificates: made.certificates.map(unowned) };
  await h.kube.resource(CertificateAuthorityResource).create(pki.authority).match(value, fatal('create the CertificateAuthority'));
  for (const c of pki.certificates)
    await h.kube
      .resource(CertificateResource)
      .create(c)
      .match(value, fatal(`create Certificate ${c.metadata.name}`));
  return pki;
}

/** The Ready condition of a CertificateAuthority or Certificate (undefined when it is gone). */
export async function readyOf(h: PkiHarness, kind: 'ca' | 'cert', name: string, namespace = 'default'): Promise<Condition | undefined> {
  const client = kind === 'ca' ? h.kube.resource(CertificateAuthorityResource) : h.kube.resource(CertificateResource);
  return (await client.get(name, { namespace })).match(
    (o) => getCondition(o.status?.conditions, 'Ready'),
    () => undefined,
  );
}

/** Whether all 7 component Certificates of a cluster are Ready. */
export async function allReady(h: PkiHarness, name: string, namespace = 'default'): Promise<boolean> {
  const list = await h.kube
    .resource(CertificateResource)
    .list({ namespace, labelSelector: `kubeception.io/cluster=${name}` })
    .match((l) => l.items, fatal('list Certificates'));
  return list.length === 7 && list.every((c) => isTrue(c.status?.conditions, 'Ready'));
}

/** A key of a Secret, decoded; undefined when the Secret or key is missing. */
export async function secretText(h: PkiHarness, name: string, key: string, namespace = 'default'): Promise<string | undefined> {
  return (await h.kube.resource(SecretResource).get(name, { namespace })).match(
    (s) => (s.data?.[key] === undefined ? undefined : Buffer.from(s.data[key], 'base64').toString()),
    () => undefined,
  );
}

/** The PEM certificates of a bundle, in order (the leaf of `tls.crt` first). */
export const pemBlocks = (text: string) => text.match(/-----BEGIN CERTIFICATE-----[\s\S]+?-----END CERTIFICATE-----/g) ?? [];

/** `openssl verify -CAfile ca.pem leaf.pem`: true when openssl says OK. */
export function opensslVerifies(caPem: string, leafPem: string): boolean {
  const dir = mkdtempSync(join(tmpdir(), 'kc-verify-'));
  writeFileSync(join(dir, 'ca.pem'), caPem);
  writeFileSync(join(dir, 'leaf.pem'), leafPem);
  try {
    return execFileSync('openssl', ['verify', '-CAfile', join(dir, 'ca.pem'), join(dir, 'leaf.pem')], { stdio: 'pipe' })
      .toString()
      .includes('OK');
  } catch {
    return false;
  }
}

/** Polls `check` every 100 ms until it holds. */
export async function until(check: () => Promise<boolean>, timeoutMs: number, what: string): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

/** What `startWithReadyClusters` makes. */
export interface ReadyClusters {
  /** Clusters with their PKI, `name` (in `default`) or `namespace/name`; made in order, then awaited Ready together (30 s). */
  readonly clusters: readonly string[];
  /** Namespaces to create besides those of the clusters (the `default` namespace exists). @default [] */
  readonly namespaces?: readonly string[];
}

/** Starts the harness, creates the namespaces, then each Cluster with its PKI, and waits until all their Certificates are Ready. */
export async function startWithReadyClusters({ clusters, namespaces = [] }: ReadyClusters): Promise<PkiHarness> {
  const h = await startPkiHarness();
  const refs = clusters.map((ref) => {
    const [namespace, name] = ref.includes('/') ? ref.split('/') : ['default', ref];
    return { namespace: namespace ?? 'default', name: name ?? ref };
  });
  const made = new Set(['default']);
  for (const namespace of [...refs.map((r) => r.namespace), ...namespaces]) {
    if (!made.has(namespace)) await createNamespace(h, namespace);
    made.add(namespace);
  }
  for (const { name, namespace } of refs) await createClusterPki(h, name, namespace);
  await until(
    async () => {
      for (const { name, namespace } of refs) if (!(await allReady(h, name, namespace))) return false;
      return true;
    },
    30_000,
    `the PKI of ${clusters.join(', ')} Ready`,
  );
  return h;
}
