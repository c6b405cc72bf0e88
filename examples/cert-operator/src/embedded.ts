/** `--embedded`: a fake host and a fake Vault in-process, with a sample Cluster's PKI to make real. */
import { readFileSync } from 'node:fs';
import { CertificateAuthorityResource, CertificateResource, ClusterResource, kubeceptionCrds, validateCluster } from '@kubeception/sdk';
import { createKubeClient, type KubeClient } from '@kubeception/sdk/kube';
import { clusterPki } from '@kubeception/sdk/cluster';
import { startFakeKube, startFakeVault, type FakeKube, type StartedFakeVault } from '@kubeception/testing';
import vault from 'node-vault';
import { parse } from 'yaml';

/** The embedded world. */
export interface Embedded {
  readonly fakeKube: FakeKube;
  readonly fakeVault: StartedFakeVault;
  /** A client for the bootstrap and for watching progress. */
  readonly kube: KubeClient;
  /** The operator's clients (its API requests carry the User-Agent `cert-operator`). */
  readonly operatorKube: KubeClient;
  readonly operatorVault: ReturnType<typeof vault>;
  stop(): Promise<void>;
}

/** The bootstrap cannot go on without this step: fail loudly. */
const fatal =
  (what: string) =>
  (error: { readonly message: string }): never => {
    throw new Error(`could not ${what}: ${error.message}`);
  };
const value = <T>(v: T): T => v;

/** Starts the fakes and creates the sample KVM Cluster's CertificateAuthority and Certificates. */
export async function startEmbedded(): Promise<Embedded> {
  const fakeKube = await startFakeKube({ crds: kubeceptionCrds() });
  const fakeVault = await startFakeVault({ maxLeaseTtl: '876000h' });
  const kube = createKubeClient({ kubeConfig: fakeKube.kubeConfig, qps: 0 });
  const sample = validateCluster(parse(readFileSync(new URL('../../samples/valid/cluster-kvm.yaml', import.meta.url), 'utf8'))).match(
    value,
    fatal('read the sample Cluster'),
  );
  const cluster = await kube.resource(ClusterResource).create(sample).match(value, fatal('create the sample Cluster'));
  const { authority, certificates } = clusterPki(cluster);
  await kube.resource(CertificateAuthorityResource).create(authority).match(value, fatal('create its CertificateAuthority'));
  for (const certificate of certificates) {
    await kube
      .resource(CertificateResource)
      .create(certificate)
      .match(value, fatal(`create Certificate ${certificate.metadata.name}`));
  }
  return {
    fakeKube,
    fakeVault,
    kube,
    operatorKube: createKubeClient({ kubeConfig: fakeKube.kubeConfig, userAgent: 'cert-operator' }),
    operatorVault: vault({ endpoint: fakeVault.url, token: fakeVault.rootToken, noCustomHTTPVerbs: true }),
    stop: async () => {
      await fakeVault.close();
      await fakeKube.stop();
    },
  };
}
