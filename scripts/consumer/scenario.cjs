// The consumer test's scenario, written once for both module systems: esm.mjs passes the
// packages loaded with `import`, cjs.cjs the same packages loaded with `require`. It uses only
// the published front doors, as a user's operator would.
'use strict';
const { X509Certificate } = require('node:crypto');

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));
const value = (result, what) =>
  result.match(
    (v) => v,
    (e) => {
      throw new Error(`${what}: ${e.message}`);
    },
  );

async function until(what, check, timeoutMs = 30_000) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const found = await check();
    if (found) return found;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await sleep(50);
  }
}

const CLUSTER = {
  apiVersion: 'kubeception.io/v1alpha1',
  kind: 'Cluster',
  metadata: { name: 'consumer', namespace: 'default' },
  spec: {
    provider: { kvm: {} },
    kubernetes: { version: '1.33.1', api: { domain: 'api.consumer.k8s.example.com' } },
    ingress: { domain: 'consumer.k8s.example.com' },
    network: { podCIDR: '10.2.0.0/16' },
    masters: { replicas: 1, cpus: 2, memory: '4Gi', disk: '20Gi' },
    workers: [{ name: 'default', replicas: 1, cpus: 2, memory: '4Gi', disk: '20Gi' }],
  },
};

/** Runs the scenario; resolves to a line describing what it proved. */
async function scenario(m) {
  const { sdk, kube, runtime, cluster: clusterLayer, pki, testing, kvm, vault, neverthrow } = m;
  const fakeKube = await testing.startFakeKube({ crds: sdk.kubeceptionCrds({ providers: [kvm.provider] }) });
  const fakeVault = await testing.startFakeVault({ maxLeaseTtl: '876000h' });
  let manager;
  let running;
  try {
    const client = kube.createKubeClient({ kubeConfig: fakeKube.kubeConfig, qps: 0 });
    const crds = value(await client.resource(kube.CustomResourceDefinitionResource).list(), 'list CRDs');
    if (crds.items.length !== 3) throw new Error(`expected 3 CRDs, found ${crds.items.length}`);

    // A user's controller: marks every Cluster it sees as observed by the consumer.
    const observer = runtime.createController({
      name: 'consumer-observer',
      resource: sdk.ClusterResource,
      reconcile: (cluster, ctx) =>
        runtime
          .patchConditions(ctx.client, cluster, [{ type: 'ConsumerObserved', status: 'True', reason: 'Seen', message: `seen by a ${m.format} consumer` }])
          .map(() => runtime.done()),
    });
    const backend = pki.createVaultPki({ client: vault({ endpoint: fakeVault.url, token: fakeVault.rootToken, noCustomHTTPVerbs: true }) });
    manager = runtime.createManager({
      name: 'consumer',
      kube: client,
      controllers: [observer, pki.createCertificateAuthorityController({ pki: backend }), pki.createCertificateController({ pki: backend })],
      leaderElection: false,
    });
    running = manager.start();

    const valid = value(sdk.validateCluster(CLUSTER, { providers: [kvm.provider] }), 'validate the Cluster');
    const cluster = value(await client.resource(sdk.ClusterResource).create(valid), 'create the Cluster');
    const { authority, certificates } = clusterLayer.clusterPki(cluster);
    value(await client.resource(sdk.CertificateAuthorityResource).create(authority), 'create the CertificateAuthority');
    const admin = certificates.find((c) => c.spec.component === 'admin');
    value(await client.resource(sdk.CertificateResource).create(admin), 'create the admin Certificate');

    await until('the Cluster to be observed', async () => {
      const got = await client.resource(sdk.ClusterResource).get(cluster.metadata.name, { namespace: 'default' });
      return got.isOk() && sdk.isTrue(got.value.status?.conditions, 'ConsumerObserved');
    });
    const secretName = sdk.certificateSecretName(admin);
    const secret = await until(`Secret ${secretName}`, async () => {
      const cert = await client.resource(sdk.CertificateResource).get(admin.metadata.name, { namespace: 'default' });
      if (!cert.isOk() || !sdk.isTrue(cert.value.status?.conditions, 'Ready')) return undefined;
      const got = await client.resource(kube.SecretResource).get(secretName, { namespace: 'default' });
      return got.isOk() ? got.value : undefined;
    });
    const leaf = new X509Certificate(Buffer.from(secret.data['tls.crt'], 'base64'));
    const root = new X509Certificate(Buffer.from(secret.data['ca.crt'], 'base64'));
    if (!leaf.checkIssued(root) || !leaf.verify(root.publicKey)) throw new Error('the issued certificate does not chain to its CA');
    if (!neverthrow.ok(1).isOk()) throw new Error('neverthrow is not usable');
    return `${m.format}: Cluster reconciled by a runtime controller, certificate ${leaf.subject.replace(/\n/g, ',')} issued by ${root.subject.replace(/\n/g, ',')}`;
  } finally {
    if (manager) await manager.stop();
    if (running) await running;
    await fakeVault.close();
    await fakeKube.stop();
  }
}

module.exports = { scenario };
