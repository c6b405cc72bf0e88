/**
 * Cluster identity on a shared EC2 account: two Clusters `demo` (in `default` and `other`) are
 * tagged, named and launched under their cluster IDs, so neither sees the other's resources, and
 * deleting one leaves every resource of the other as it was.
 */
import { clusterId } from '@kubeception/sdk';
import { NamespaceResource, createKubeClient } from '@kubeception/sdk/kube';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { awsCluster, ownedBy, ownerTagOf, startAwsWorld, type AwsWorld } from './aws-world.js';

let world: AwsWorld;
beforeAll(async () => {
  world = await startAwsWorld();
  const kube = createKubeClient({ kubeConfig: world.server.kubeConfig, qps: 0 });
  (await kube.resource(NamespaceResource).create({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'other' } }))._unsafeUnwrap();
});
afterAll(() => world.stop());

const inNamespace = (namespace: string) => {
  const cluster = awsCluster('demo');
  return { ...cluster, metadata: { ...cluster.metadata, namespace } };
};
const phase = async (namespace: string) => (await world.clusters().get('demo', { namespace })).map((c) => c.status?.phase).unwrapOr('gone');
const snapshot = (namespace: string) =>
  ownedBy(world.fakeEc2, 'demo', namespace)
    .map((r) => `${r.type} ${r.id} ${JSON.stringify(r.tags)}`)
    .sort();

describe('two Clusters named demo in two namespaces on one account', () => {
  it('each owns its own resources, tagged, named and launched under its cluster ID', async () => {
    (await world.clusters().create(inNamespace('default') as never))._unsafeUnwrap();
    (await world.clusters().create(inNamespace('other') as never))._unsafeUnwrap();
    await expect.poll(async () => [await phase('default'), await phase('other')], { timeout: 60_000, interval: 100 }).toEqual(['Ready', 'Ready']);

    const [mine, theirs] = [ownedBy(world.fakeEc2, 'demo', 'default'), ownedBy(world.fakeEc2, 'demo', 'other')];
    const types = (rs: typeof mine) => rs.map((r) => r.type).sort();
    expect(types(mine)).toEqual([
      'instance',
      'instance',
      'internet-gateway',
      'route-table',
      'security-group',
      'security-group',
      'security-group',
      'subnet',
      'subnet',
      'vpc',
    ]);
    expect(types(theirs)).toEqual(types(mine));
    // disjoint: no resource carries both ownership tags, and every one of the account's is one of theirs
    expect(mine.filter((r) => theirs.some((t) => t.id === r.id))).toEqual([]);
    expect(world.fakeEc2.state.userResources().length).toBe(mine.length + theirs.length);
    for (const r of [...mine, ...theirs]) expect(Object.keys(r.tags).filter((k) => k.startsWith('kubeception.io/cluster/'))).toHaveLength(1);
    // no tag is named after the bare name
    expect(world.fakeEc2.state.userResources().some((r) => 'kubeception.io/cluster/demo' in r.tags)).toBe(false);
    // Name tags are the cluster ID's
    const ids = { default: clusterId({ namespace: 'default', name: 'demo' }), other: clusterId({ namespace: 'other', name: 'demo' }) };
    for (const r of mine) expect(r.tags.Name, `${r.type} ${r.id}`).toMatch(new RegExp(`^${ids.default}-`));
    for (const r of theirs) expect(r.tags.Name, `${r.type} ${r.id}`).toMatch(new RegExp(`^${ids.other}-`));
    expect(ownerTagOf('demo', 'default')).toBe(`kubeception.io/cluster/${ids.default}`);
    // each launched its own instances, once per node: four launches, four ClientTokens
    const launches = world.fakeEc2.requests.all().filter((r) => r.action === 'RunInstances' && r.status === 200);
    expect(launches).toHaveLength(4);
    expect(new Set(launches.map((r) => r.params.ClientToken)).size).toBe(4);
    // the security groups are named from the IDs too
    const groups = world.fakeEc2.requests
      .all()
      .filter((r) => r.action === 'CreateSecurityGroup' && r.status === 200)
      .map((r) => r.params.GroupName)
      .sort();
    expect(groups).toEqual([...['master', 'worker', 'ingress'].flatMap((role) => [`${ids.default}-${role}`, `${ids.other}-${role}`])].sort());
  }, 90_000);

  it('deleting one leaves every resource of the other as it was', async () => {
    const before = snapshot('default');
    (await world.clusters().delete('demo', { namespace: 'other' }))._unsafeUnwrap();
    await expect.poll(() => phase('other'), { timeout: 60_000, interval: 100 }).toBe('gone');
    expect(ownedBy(world.fakeEc2, 'demo', 'other')).toEqual([]);
    expect(snapshot('default')).toEqual(before);
    expect(await phase('default')).toBe('Ready');
    // no delete or terminate ever named one of its resources
    const kept = new Set(before.map((line) => line.split(' ')[1]));
    const touched = world.fakeEc2.requests
      .all()
      .filter((r) => /^(Terminate|Delete|Detach|Revoke)/.test(r.action))
      .flatMap((r) => Object.values(r.params));
    expect(touched.filter((value) => kept.has(value))).toEqual([]);
  }, 90_000);
});
