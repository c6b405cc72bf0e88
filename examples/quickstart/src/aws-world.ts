/**
 * `--provider aws`: a fake API server with the Kubeception CRDs, a fake EC2 (the sample's AMI in
 * its catalogue, instances pending for 200 ms) and a fake Vault, with the operators in one SDK
 * manager: driver-aws's `createAwsOperator` (the Cluster controller with the AWS driver) with the
 * CertificateAuthority and Certificate controllers (what `examples/aws-operator -- --embedded` runs).
 */
import { createAwsOperator, ec2Clients } from '@kubeception/driver-aws';
import { kubeceptionCrds, Label } from '@kubeception/sdk';
import { createKubeClient } from '@kubeception/sdk/kube';
import { startFakeEc2, startFakeKube, startFakeVault } from '@kubeception/testing';
import { startOperators } from './operators.js';
import { idOf, pkiMount, type World, type WorldOptions } from './world.js';

/** Tag the AWS driver puts on everything a Cluster owns. */
export const ownerTag = (cluster: string): string => `kubeception.io/cluster/${idOf(cluster)}=owned`;

/** Starts the fakes and the operators on the AWS driver; `amis` are registered in the fake EC2. */
export async function startAwsWorld(options: WorldOptions & { readonly amis: readonly string[] }): Promise<World> {
  // the fakes need no SDK updates: keep the SDK's "Node 22 from January 2027" notice off the demo's stderr
  process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';
  // HTTPS with a bearer token: the demo's API server (Secrets included) answers only its kubeconfig
  const fakeKube = await startFakeKube({ crds: kubeceptionCrds(), tls: true, bearerToken: true });
  const fakeEc2 = await startFakeEc2({
    images: options.amis.map((id) => ({ id, name: 'kubeception-sample' })),
    instanceDelays: { pendingMs: 200, shuttingDownMs: 200 },
  });
  const fakeVault = await startFakeVault({ maxLeaseTtl: '876000h', sealed: options.vaultSealed ?? false });
  const clients = ec2Clients({ endpoint: fakeEc2.url, credentials: { accessKeyId: 'AKIDEXAMPLE', secretAccessKey: 'quickstart' } });
  const operators = startOperators({ kubeConfig: fakeKube.kubeConfig, vault: fakeVault, logger: options.logger }, (common) =>
    createAwsOperator({ ...common, ec2: clients.forRegion, pollMs: 100 }),
  );
  const owned = (cluster: string) => fakeEc2.state.userResources({ tag: ownerTag(cluster) });
  return {
    kube: createKubeClient({ kubeConfig: fakeKube.kubeConfig, qps: 0 }),
    kubeconfigYaml: fakeKube.kubeconfigYaml,
    description: `fake API server ${fakeKube.url}, fake EC2 ${fakeEc2.url}, fake Vault ${fakeVault.url}, operators running`,
    machines: async (cluster) =>
      fakeEc2.state.instances({ tag: ownerTag(cluster) }).flatMap((i) => {
        const node = i.tags[Label.Node];
        return node === undefined ? [] : [{ node, host: `${i.id} in ${i.availabilityZone}`, running: i.state === 'running' }];
      }),
    infrastructure: (cluster) => describeOwned(owned(cluster).filter((r) => r.type !== 'instance')),
    cleanedUp: async (cluster) => !fakeVault.state.mounts().includes(pkiMount(cluster)) && owned(cluster).every((r) => r.state === 'terminated'),
    stop: async () => {
      await operators.stop();
      clients.destroy();
      await fakeEc2.close();
      await fakeVault.close();
      await fakeKube.stop();
    },
  };
}

/** EC2 resources of a Cluster by type, e.g. `1 vpc, 3 subnets, 1 internet-gateway`. */
export function describeOwned(resources: readonly { readonly type: string }[]): string {
  const counts = new Map<string, number>();
  for (const r of resources) counts.set(r.type, (counts.get(r.type) ?? 0) + 1);
  return [...counts].map(([type, n]) => `${n} ${type}${n === 1 ? '' : 's'}`).join(', ');
}
