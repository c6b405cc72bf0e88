import { readFileSync } from 'node:fs';
import { provider as aws } from '@kubeception/driver-aws';
import { provider as kvm } from '@kubeception/driver-kvm';
import { ClusterResource, kubeceptionCrds, toYamlDocuments } from '@kubeception/sdk';
import { describe, expect, it } from 'vitest';
import { startEmbeddedAws } from './embedded.js';
import { main } from './main.js';
import { createAwsOperator } from './operator.js';

const policyActions = () =>
  (JSON.parse(readFileSync(new URL('../deploy/iam-policy.json', import.meta.url), 'utf8')) as { Statement: { Action: string[] }[] }).Statement.flatMap((s) => s.Action).sort();

describe('aws-operator', () => {
  it('ships the CRDs the SDK generates', () => {
    expect(readFileSync(new URL('../deploy/crds.yaml', import.meta.url), 'utf8')).toBe(toYamlDocuments(kubeceptionCrds({ providers: [kvm, aws] })));
  });

  it('--embedded --once: the sample AWS Cluster becomes Ready, then it exits 0', async () => {
    const lines: string[] = [];
    expect(await main(['--embedded', '--once'], (l) => lines.push(l))).toBe(0);
    expect(lines).toContain('cluster prod-eu: Ready');
    expect(lines.filter((l) => /^ {2}prod-eu-(master|general)-\d/.test(l))).toHaveLength(6);
  });

  it('its IAM policy allows exactly the EC2 actions a full lifecycle uses', async () => {
    const world = await startEmbeddedAws();
    const operator = createAwsOperator({ kube: world.operatorKube, ec2: world.ec2, vault: world.vault, pollMs: 20 });
    void operator.start();
    const clusters = world.kube.resource(ClusterResource);
    await expect.poll(async () => (await clusters.get('prod-eu', { namespace: 'default' })).match((c) => c.status?.phase, () => undefined), { timeout: 60_000 }).toBe('Ready');
    (await clusters.delete('prod-eu', { namespace: 'default' }))._unsafeUnwrap();
    await expect.poll(async () => (await clusters.get('prod-eu', { namespace: 'default' })).isErr(), { timeout: 60_000 }).toBe(true);
    await operator.stop();
    const used = [...new Set(world.fakeEc2.requests.all().map((r) => `ec2:${r.action}`))].sort();
    expect(used).toEqual(policyActions());
    expect(world.fakeEc2.state.userResources()).toEqual([]);
    await world.stop();
  }, 120_000);
});
