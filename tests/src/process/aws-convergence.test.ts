/** The convergence check finds what it is for: a Cluster not Ready, a resource twice or missing, and what a deleted Cluster left behind. */
import { CreateVpcCommand, EC2Client } from '@aws-sdk/client-ec2';
import { ownerTag, ROLE_TAG } from '@kubeception/driver-aws';
import { CertificateAuthorityResource, clusterId, ClusterResource, kubeceptionCrds } from '@kubeception/sdk';
import { createKubeClient } from '@kubeception/sdk/kube';
import { startFakeEc2, startFakeKube, type FakeKube, type StartedFakeEc2 } from '@kubeception/testing';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { convergenceProblems, desiredEc2Keys, type Outside } from './aws-convergence.js';
import { sampleAwsCluster } from './aws-workload.js';

let fakeKube: FakeKube;
let fakeEc2: StartedFakeEc2;
let ec2: EC2Client;
let outside: Outside;
const mounts: string[] = [];

beforeAll(async () => {
  fakeKube = await startFakeKube({ crds: kubeceptionCrds() });
  fakeEc2 = await startFakeEc2();
  ec2 = new EC2Client({ region: 'eu-west-1', endpoint: fakeEc2.url, credentials: { accessKeyId: 'AKIDEXAMPLE', secretAccessKey: 'secret' } });
  outside = { kube: createKubeClient({ kubeConfig: fakeKube.kubeConfig, qps: 0 }), ec2, vaultMounts: async () => ['sys/', ...mounts] };
});

afterAll(async () => {
  ec2.destroy();
  await fakeEc2.close();
  await fakeKube.stop();
});

/** A VPC tagged as the Cluster `name`'s own, in the role `role`. */
const ownedVpc = (name: string, role = 'vpc') =>
  ec2.send(
    new CreateVpcCommand({
      CidrBlock: '10.10.0.0/16',
      TagSpecifications: [
        {
          ResourceType: 'vpc',
          Tags: [
            { Key: ownerTag(clusterId({ namespace: 'default', name })), Value: 'owned' },
            { Key: ROLE_TAG, Value: role },
          ],
        },
      ],
    }),
  );

it('reports a Cluster that is not Ready and what it lacks or has twice, and what a deleted Cluster left', async () => {
  const cluster = (await outside.kube.resource(ClusterResource).create(sampleAwsCluster('twice')))._unsafeUnwrap();
  expect(desiredEc2Keys(cluster)).toHaveLength(1 + 1 + 1 + 6 + 3 + 6); // VPC, gateway, route table, 2 subnets × 3 zones, 3 groups, 3 masters and 3 workers
  await ownedVpc('twice');
  await ownedVpc('twice');
  await ownedVpc('twice', 'vpc-spare');
  await ownedVpc('left');
  const id = clusterId({ namespace: 'default', name: 'left' });
  mounts.push(`pki-${id}/`);
  const authority = (metadata: object) => ({
    apiVersion: 'kubeception.io/v1alpha1',
    kind: 'CertificateAuthority',
    metadata: { namespace: 'default', ...metadata },
    spec: { clusterRef: { name: 'left' }, commonName: 'left.example.com' },
  });
  const authorities = outside.kube.resource(CertificateAuthorityResource);
  (await authorities.create(authority({ name: 'left', labels: { 'kubeception.io/cluster': 'left' } }) as never))._unsafeUnwrap();
  // the garbage collector deletes it, its finalizer holds it: an object outliving its owner
  const owner = { apiVersion: 'kubeception.io/v1alpha1', kind: 'Cluster', name: 'before', uid: 'a-uid-no-object-has' };
  (await authorities.create(authority({ name: 'orphan', ownerReferences: [owner], finalizers: ['test/held'] }) as never))._unsafeUnwrap();

  const problems = await convergenceProblems(outside, { namespace: 'default', alive: ['twice', 'missing'], gone: ['left'] });
  expect(problems).toEqual(
    expect.arrayContaining([
      expect.stringMatching(/^twice: not Ready at generation 1/),
      'twice EC2: 2 × vpc/vpc',
      'twice EC2: missing instance/twice-master-0',
      'twice EC2: not desired vpc/vpc-spare',
      'twice PKI: missing CertificateAuthority/twice',
      `twice: no Vault mount pki-${clusterId(cluster.metadata)}/`,
      'missing: missing',
      expect.stringMatching(/^left EC2: left vpc\/vpc vpc-/),
      'left: left CertificateAuthority/left',
      `left: left Vault mount pki-${id}/`,
      'CertificateAuthority/orphan owned by Cluster/before, gone',
    ]),
  );
  expect(await convergenceProblems(outside, { namespace: 'default', alive: [], gone: [] })).toEqual([
    'twice: a Cluster the test did not make',
    'CertificateAuthority/orphan owned by Cluster/before, gone',
  ]);
  expect(await convergenceProblems(outside, { namespace: 'default', alive: [], gone: ['twice'] })).toEqual([
    'twice: still there (undefined)',
    expect.stringMatching(/^twice EC2: left vpc\/vpc vpc-/),
    expect.stringMatching(/^twice EC2: left vpc\/vpc vpc-/),
    expect.stringMatching(/^twice EC2: left vpc\/vpc-spare vpc-/),
    'CertificateAuthority/orphan owned by Cluster/before, gone',
  ]);
});
