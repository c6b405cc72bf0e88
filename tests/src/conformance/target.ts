/**
 * The API server a conformance test runs against: a fresh fake (project `conformance:fake`), the
 * run's real kube-apiserver (project `conformance:kube-apiserver`, see lane/), or any cluster when
 * `KUBECEPTION_CONFORMANCE_KUBECONFIG` names a kubeconfig. Tests stay target-agnostic:
 * they use only the kubeconfig, work in their own namespace, and wait for eventual effects
 * (garbage collection, namespace deletion) by polling.
 */
import { KubeConfig } from '@kubernetes/client-node';
import { kubeceptionCrds, type CertificateInput, type KubeObject, type ResourceDescriptor } from '@kubeception/sdk';
import { CustomResourceDefinitionResource, NamespaceResource, createKubeClient, type KubeClient, type ResourceClient } from '@kubeception/sdk/kube';
import { startFakeKube } from '@kubeception/testing';
import { afterAll, beforeAll, inject } from 'vitest';
import { FIRST_IDENTITY, issueIdentity, type ConformanceIdentity } from './lane/identities.js';
import { conformanceServer } from './lane/server.js';

/** A running target and a client for it. */
export interface Target {
  readonly kube: KubeClient;
  readonly kubeConfig: KubeConfig;
  /** A namespace created for this test file, deleted by `stop`. */
  readonly namespace: string;
  /** A new user other than the admin, bound to nothing (RBAC), and a client of the target as that user. */
  identity(): Promise<Identity>;
  stop(): Promise<void>;
}

/** A user of {@link Target.identity}. */
export interface Identity {
  readonly name: string;
  readonly groups: readonly string[];
  readonly kube: KubeClient;
}

/** Identity `n` of the target: issued by the fake, or taken from the pool the real server's lane provides (./lane/identities.ts). */
type Issue = (n: number) => Promise<ConformanceIdentity>;

/** Identity `n` of the pool the real server's lane provides. */
function providedIdentity(n: number): Promise<ConformanceIdentity> {
  let pool: readonly ConformanceIdentity[] = [];
  try {
    pool = inject('conformanceIdentities') ?? [];
  } catch {
    // outside the conformance projects: none
  }
  const identity = pool[n];
  return identity ? Promise.resolve(identity) : Promise.reject(new Error(`the target provides ${pool.length} users other than the admin; asked for #${n}`));
}

/** A client of the target that authenticates as `identity` (the admin's kubeconfig with its certificate). */
function clientAs(kubeConfig: KubeConfig, identity: ConformanceIdentity): Identity {
  const base64 = (pem: string) => Buffer.from(pem, 'utf8').toString('base64');
  const config = new KubeConfig();
  const user = { name: identity.name, certData: base64(identity.certificate), keyData: base64(identity.privateKey) };
  const cluster = kubeConfig.getCurrentCluster()!;
  config.loadFromOptions({
    clusters: [cluster],
    users: [user],
    contexts: [{ name: user.name, cluster: cluster.name, user: user.name }],
    currentContext: user.name,
  });
  return { name: identity.name, groups: identity.groups, kube: createKubeClient({ kubeConfig: config, qps: 0, retry: { maxAttempts: 1 } }) };
}

/** Starts (or connects to) the target, installs the Kubeception CRDs, creates a namespace. */
export async function startTarget(name: string): Promise<Target> {
  const path = process.env.KUBECEPTION_CONFORMANCE_KUBECONFIG;
  const server = conformanceServer();
  let kubeConfig: KubeConfig;
  let stopServer = async () => {};
  let issue: Issue = providedIdentity;
  if (server.name === 'kube-apiserver') {
    if (!server.kubeconfigYaml) throw new Error(`the real server's lane cannot run: ${server.skip ?? 'no kubeconfig provided'}`);
    kubeConfig = new KubeConfig();
    kubeConfig.loadFromString(server.kubeconfigYaml);
  } else if (path) {
    kubeConfig = new KubeConfig();
    kubeConfig.loadFromFile(path);
  } else {
    // as kube-apiserver serves: HTTPS, client certificates, RBAC (the admin is in system:masters)
    const fake = await startFakeKube({ tls: true, clientCertificates: true, authorization: 'RBAC' });
    kubeConfig = fake.kubeConfig;
    stopServer = () => fake.stop();
    issue = (n) => issueIdentity(fake, n);
  }
  const kube = createKubeClient({ kubeConfig, qps: 0, retry: { maxAttempts: 1 } });
  // the real server's lane installed them once, CEL rules stripped as its version needs (lane/global-setup.ts)
  if (server.name === 'fake')
    for (const crd of kubeceptionCrds()) {
      (await kube.resource(CustomResourceDefinitionResource).apply(crd as never, { fieldManager: 'conformance', force: true }))._unsafeUnwrap();
    }
  await eventually(async () => (await kube.resource(CustomResourceDefinitionResource).get('certificates.kubeception.io')).isOk());
  const namespace = `conf-${name}-${Math.random().toString(36).slice(2, 8)}`;
  (await kube.resource(NamespaceResource).create({ metadata: { name: namespace } }))._unsafeUnwrap();
  let issued = FIRST_IDENTITY[name] ?? 0;
  return {
    kube,
    kubeConfig,
    namespace,
    identity: async () => clientAs(kubeConfig, await issue(issued++)),
    stop: async () => {
      await kube.resource(NamespaceResource).delete(namespace);
      await stopServer();
    },
  };
}

/** The target of a test file, read once it has started. */
export interface FileTarget {
  readonly target: () => Target;
  /** A client of a kind on the target. */
  resource<T extends KubeObject, I extends KubeObject = T>(descriptor: ResourceDescriptor<T, I>): ResourceClient<T, I>;
  /** The test file's namespace. */
  readonly ns: () => string;
}

/** Starts the target for the calling test file before its tests, and stops it after them. */
export function useTarget(name: string): FileTarget {
  let started: Target | undefined;
  beforeAll(async () => {
    started = await startTarget(name);
  });
  afterAll(() => started?.stop());
  const target = () => {
    if (started === undefined) throw new Error(`the ${name} target has not started`);
    return started;
  };
  return { target, resource: (descriptor) => target().kube.resource(descriptor), ns: () => target().namespace };
}

/** Polls `check` until it returns true, for at most `timeoutMs`. Fails the test otherwise. */
export async function eventually(check: () => Promise<boolean>, timeoutMs = 10_000, what = 'condition'): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (await check()) return;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

/** A valid Certificate (a kind with a status subresource) named `name`. */
export function certificate(
  name: string,
  namespace: string,
  extra: { spec?: Partial<CertificateInput['spec']>; metadata?: CertificateInput['metadata'] } = {},
): CertificateInput {
  return {
    apiVersion: 'kubeception.io/v1alpha1',
    kind: 'Certificate',
    metadata: { name, namespace, ...extra.metadata },
    spec: { clusterRef: { name: 'demo' }, component: 'api', role: 'api', commonName: 'api.demo', ...extra.spec },
  };
}
