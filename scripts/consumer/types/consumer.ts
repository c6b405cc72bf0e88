// Type-checked by the consumer test under several module settings, as .ts, .mts and .cts (see ../run.sh); never run.
import { clusterId, ClusterResource, kubeceptionCrds, validateCluster, type Cluster, type Persisted } from '@kubeception/sdk';
import { createKubeClient, SecretResource, type KubeClient, type KubeError, type Secret } from '@kubeception/sdk/kube';
import { createController, createManager, done, type Controller } from '@kubeception/sdk/runtime';
import { createVaultPki, createCertificateAuthorityController, createCertificateController } from '@kubeception/pki-vault';
import { createKvmDriver, provider as kvm } from '@kubeception/driver-kvm';
import { createAwsDriver, provider as aws } from '@kubeception/driver-aws';
import { startFakeKube, startFakeVault, type FakeKube } from '@kubeception/testing';
import { okAsync, type ResultAsync } from 'neverthrow';
import vault from 'node-vault';

export async function typed(): Promise<string> {
  const fake: FakeKube = await startFakeKube({ crds: kubeceptionCrds({ providers: [kvm, aws] }) });
  const fakeVault = await startFakeVault();
  const kube: KubeClient = createKubeClient({ kubeConfig: fake.kubeConfig });
  const secret: ResultAsync<Persisted<Secret>, KubeError> = kube.resource(SecretResource).get('x', { namespace: 'default' });
  const controller: Controller = createController({
    name: 'typed',
    resource: ClusterResource,
    reconcile: (cluster: Persisted<Cluster>) => okAsync(done()).map((action) => (cluster.spec.masters.replicas > 0 ? action : action)),
  });
  const backend = createVaultPki({ client: vault({ endpoint: fakeVault.url, token: fakeVault.rootToken, noCustomHTTPVerbs: true }) });
  const manager = createManager({
    kube,
    controllers: [controller, createCertificateAuthorityController({ pki: backend }), createCertificateController({ pki: backend })],
  });
  const valid = validateCluster({}, { providers: [kvm, aws] });
  void secret;
  void manager;
  void createKvmDriver;
  void createAwsDriver;
  return `${clusterId({ namespace: 'default', name: 'demo' })} ${valid.isOk()}`;
}
