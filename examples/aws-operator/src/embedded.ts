/** `--embedded`: a fake host, a fake EC2 and a fake Vault in-process, with the sample AWS Cluster. */
import { readFileSync } from 'node:fs';
import type { EC2Client } from '@aws-sdk/client-ec2';
import { ec2Clients, provider as awsProvider } from '@kubeception/driver-aws';
import { ClusterResource, createClusterModel, kubeceptionCrds } from '@kubeception/sdk';
import { createKubeClient, type KubeClient } from '@kubeception/sdk/kube';
import { startFakeEc2, startFakeKube, startFakeVault, type FakeKube, type StartedFakeEc2, type StartedFakeVault } from '@kubeception/testing';
import vault from 'node-vault';
import { parse } from 'yaml';

export interface EmbeddedAws {
  readonly fakeKube: FakeKube;
  readonly fakeEc2: StartedFakeEc2;
  readonly fakeVault: StartedFakeVault;
  readonly kube: KubeClient;
  readonly operatorKube: KubeClient;
  readonly ec2: (region: string) => EC2Client;
  readonly vault: ReturnType<typeof vault>;
  stop(): Promise<void>;
}

const fatal =
  (what: string) =>
  (error: { readonly message: string }): never => {
    throw new Error(`could not ${what}: ${error.message}`);
  };

/** Starts the fakes and creates the sample AWS Cluster (its AMI is registered in the fake's catalogue). */
export async function startEmbeddedAws(): Promise<EmbeddedAws> {
  const sample = createClusterModel({ providers: [awsProvider] })
    .validate(parse(readFileSync(new URL('../../samples/valid/cluster-aws.yaml', import.meta.url), 'utf8')))
    .match((c) => c, fatal('read the sample Cluster'));
  const ami = sample.spec.provider.aws?.instances.master.ami ?? '';
  const fakeKube = await startFakeKube({ crds: kubeceptionCrds() });
  const fakeEc2 = await startFakeEc2({ images: [{ id: ami, name: 'kubeception-sample' }], instanceDelays: { pendingMs: 200, shuttingDownMs: 200 } });
  const fakeVault = await startFakeVault({ maxLeaseTtl: '876000h' });
  const kube = createKubeClient({ kubeConfig: fakeKube.kubeConfig, qps: 0 });
  await kube
    .resource(ClusterResource)
    .create(sample)
    .match((c) => c, fatal('create the sample Cluster'));
  const clients = ec2Clients({ endpoint: fakeEc2.url, credentials: { accessKeyId: 'AKIDEXAMPLE', secretAccessKey: 'embedded' } });
  return {
    fakeKube,
    fakeEc2,
    fakeVault,
    kube,
    operatorKube: createKubeClient({ kubeConfig: fakeKube.kubeConfig }),
    ec2: clients.forRegion,
    vault: vault({ endpoint: fakeVault.url, token: fakeVault.rootToken, noCustomHTTPVerbs: true }),
    stop: async () => {
      clients.destroy();
      await fakeVault.close();
      await fakeEc2.close();
      await fakeKube.stop();
    },
  };
}
