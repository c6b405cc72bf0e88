/**
 * The AWS world of the hostile suite (internal): the fake host, Vault and EC2 with the real
 * Cluster (AWS driver), CertificateAuthority and Certificate controllers, and a victim
 * `victim/demo` Ready on them. The host has the CRDs as the operators deploy them
 * (`deploy/crds/kubeception-crds.yaml`: the kvm and aws providers' schemas and CEL rules), so a
 * tenant meets the API server's checks first.
 */
import { provider as awsProvider } from '@kubeception/driver-aws';
import { provider as kvmProvider } from '@kubeception/driver-kvm';
import { ClusterResource, clusterId } from '@kubeception/sdk';
import { createKubeClient } from '@kubeception/sdk/kube';
import { ownedBy, ownerTagOf, startAwsWorld, type AwsWorld, fakeHost } from '../aws/aws-world.js';
import { awsCluster } from './hostile-objects.js';
import { fail, value } from './hostile-support.js';
import { clusterReady, ensureNamespace, pkiSnapshot, VICTIM, type HostileWorld } from './hostile-world.js';

/** Starts the AWS world and brings the victim to Ready. */
export async function startAwsHostileWorld(): Promise<HostileWorld & { readonly aws: AwsWorld }> {
  const world = await startAwsWorld({ crdProviders: [kvmProvider, awsProvider] });
  const admin = createKubeClient({ kubeConfig: fakeHost(world).kubeConfig, qps: 0 });
  await ensureNamespace(admin, VICTIM.namespace);
  await admin
    .resource(ClusterResource)
    .create({ ...awsCluster(VICTIM.name), metadata: { name: VICTIM.name, namespace: VICTIM.namespace } } as never)
    .match(value, fail);
  await clusterReady(admin, VICTIM.namespace, VICTIM.name, 30_000);
  const ec2 = () =>
    ownedBy(world.fakeEc2, VICTIM.name, VICTIM.namespace)
      .map((r) => `${r.type} ${r.id} ${(r as { state?: string }).state ?? ''} ${JSON.stringify(Object.entries(r.tags).sort())}`)
      .sort();
  return {
    name: 'aws',
    aws: world,
    kubeConfig: fakeHost(world).kubeConfig,
    admin,
    vault: world.fakeVault,
    ec2: world.fakeEc2,
    requests: fakeHost(world).requests,
    victim: { ...VICTIM, id: clusterId(VICTIM) },
    snapshot: async () => ({ ...(await pkiSnapshot(admin, world.fakeVault)), ec2: ec2() }),
    leftoversOutside: async (clusters) => {
      const left = clusters.flatMap((c) =>
        ownedBy(world.fakeEc2, c.name, c.namespace).map((r) => `EC2 ${r.type} ${r.id} tagged ${ownerTagOf(c.name, c.namespace)}`),
      );
      return [...new Set(left)];
    },
    stop: () => world.stop(),
  };
}
