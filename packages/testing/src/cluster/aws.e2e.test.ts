/**
 * A Cluster on AWS end to end: the Cluster controller with the AWS driver (real
 * @aws-sdk/client-ec2 against the fake EC2), the PKI controllers on the fake Vault, the fake host.
 */
import { EC2Client } from '@aws-sdk/client-ec2';
import { createAwsDriver } from '@kubeception/driver-aws';
import { ClusterResource, isTrue, kubeceptionCrds } from '@kubeception/sdk';
import { createKubeClient } from '@kubeception/sdk/kube';
import { createClusterController, createManager, type Manager } from '@kubeception/sdk/runtime';
import { clusterPki, createCertificateAuthorityController, createCertificateController, createVaultPki } from '@kubeception/pki-vault';
import vault from 'node-vault';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startFakeEc2, type StartedFakeEc2 } from '../fake-ec2/index.js';
import { startFakeKube, type FakeKube } from '../fake-kube/server.js';
import { startFakeVault, type StartedFakeVault } from '../fake-vault/index.js';

const AMI = 'ami-0123456789abcdef0';
let fakeKube: FakeKube;
let fakeVault: StartedFakeVault;
let fakeEc2: StartedFakeEc2;
let manager: Manager;

beforeAll(async () => {
  fakeKube = await startFakeKube({ crds: kubeceptionCrds() });
  fakeVault = await startFakeVault({ maxLeaseTtl: '876000h' });
  fakeEc2 = await startFakeEc2({ images: [{ id: AMI, name: 'kubeception-test' }], instanceDelays: { pendingMs: 50, shuttingDownMs: 50 } });
  const ec2 = (region: string) => new EC2Client({ region, endpoint: fakeEc2.url, credentials: { accessKeyId: 'AKIDEXAMPLE', secretAccessKey: 'secret' }, maxAttempts: 3 });
  const pki = createVaultPki({ client: vault({ endpoint: fakeVault.url, token: fakeVault.rootToken, noCustomHTTPVerbs: true }) });
  const kube = createKubeClient({ kubeConfig: fakeKube.kubeConfig, qps: 0, retry: { maxAttempts: 1 } });
  manager = createManager({
    kube,
    controllers: [
      createClusterController({ driver: createAwsDriver({ ec2, pollMs: 20 }), pki: clusterPki as never }),
      createCertificateAuthorityController({ pki }),
      createCertificateController({ pki }),
    ],
    shutdownTimeoutMs: 2000,
  });
  void manager.start();
});
afterAll(async () => {
  await manager.stop();
  await fakeEc2.close();
  await fakeVault.close();
  await fakeKube.stop();
});

const clusters = () => createKubeClient({ kubeConfig: fakeKube.kubeConfig, qps: 0 }).resource(ClusterResource);
const cluster = {
  apiVersion: 'kubeception.io/v1alpha1',
  kind: 'Cluster',
  metadata: { name: 'prod', namespace: 'default' },
  spec: {
    provider: { aws: { region: 'eu-west-1', availabilityZones: { count: 2 }, vpcCIDR: '10.10.0.0/16', instances: { master: { instanceType: 'm5.large', ami: AMI }, worker: { instanceType: 'm5.large', ami: AMI } } } },
    kubernetes: { version: '1.33.1', api: { domain: 'api.prod.example.com' } },
    ingress: { domain: 'prod.example.com' },
    network: { podCIDR: '10.2.0.0/16' },
    masters: { replicas: 1, cpus: 2, memory: '8Gi', disk: '50Gi' },
    workers: [{ name: 'general', replicas: 2, cpus: 2, memory: '8Gi', disk: '50Gi' }],
  },
};

describe('a Cluster on AWS', () => {
  it('becomes Ready with its VPC, subnets, gateway, routes, security groups and instances, all tagged', async () => {
    (await clusters().create(cluster as never))._unsafeUnwrap();
    await expect.poll(async () => (await clusters().get('prod', { namespace: 'default' }))._unsafeUnwrap().status?.phase, { timeout: 45_000, interval: 200 }).toBe('Ready');
    const status = (await clusters().get('prod', { namespace: 'default' }))._unsafeUnwrap().status;
    expect(isTrue(status?.conditions, 'Ready')).toBe(true);
    expect(status?.nodes?.map((n) => `${n.name}:${n.role}:${n.ready}`).sort()).toEqual(['prod-general-0:worker:true', 'prod-general-1:worker:true', 'prod-master-0:master:true']);
    const byType = fakeEc2.state.byType();
    expect(byType.vpc?.filter((v) => v.tags['kubeception.io/cluster/prod'] === 'owned')).toHaveLength(1);
    expect(byType.subnet?.filter((s) => s.tags['kubeception.io/cluster/prod'] === 'owned')).toHaveLength(4);
    expect(fakeEc2.state.instances().filter((i) => i.tags['kubeception.io/cluster/prod'] === 'owned' && i.state === 'running')).toHaveLength(3);
  }, 60_000);

  it('creates nothing twice: one RunInstances per node, whatever the passes', async () => {
    const runs = fakeEc2.requests.all().filter((r) => r.action === 'RunInstances' && r.status === 200);
    expect(runs.length).toBe(3);
  });

  it('deletes everything it created, in order, and lets the Cluster go', async () => {
    (await clusters().delete('prod', { namespace: 'default' }))._unsafeUnwrap();
    await expect.poll(async () => (await clusters().get('prod', { namespace: 'default' })).isErr(), { timeout: 45_000, interval: 200 }).toBe(true);
    const left = fakeEc2.state.userResources().filter((r) => r.tags['kubeception.io/cluster/prod'] === 'owned' && !(r.type === 'instance' && (r as { state?: string }).state === 'terminated'));
    expect(left).toEqual([]);
    expect(fakeVault.state.mounts()).not.toContain('pki-prod/');
  }, 60_000);
});
