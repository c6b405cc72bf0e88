import type { EC2Client } from '@aws-sdk/client-ec2';
import { ClusterResource } from '@kubeception/sdk';
import { describe, expect, it } from 'vitest';
import { startEmbeddedAws } from './embedded.js';
import { enforcePolicy, type Enforcement } from './iam-enforcement.js';
import { list, loadPolicy } from './iam-policy.js';
import { main } from './main.js';
import { createOperator } from './operator.js';

/** Waits until `check` answers true, failing at once when `fail` has something to say. */
async function until(check: () => Promise<boolean>, fail: () => string | undefined, timeoutMs = 60_000): Promise<void> {
  for (const deadline = Date.now() + timeoutMs; Date.now() < deadline; await new Promise((r) => setTimeout(r, 50))) {
    const failure = fail();
    if (failure) throw new Error(failure);
    if (await check()) return;
  }
  throw new Error(`not done after ${timeoutMs} ms`);
}

describe('aws-operator', () => {
  it('--embedded --once: the sample AWS Cluster becomes Ready, then it exits 0', async () => {
    const lines: string[] = [];
    expect(await main(['--embedded', '--once', '--log-level=silent'], (l) => lines.push(l))).toBe(0);
    expect(lines).toContain('cluster prod-eu: Ready');
    expect(lines.filter((l) => /^ {2}prod-eu-(master|general)-\d/.test(l))).toHaveLength(6);
  });

  it('a full lifecycle runs under its IAM policy, which allows exactly the EC2 actions it uses', async () => {
    const world = await startEmbeddedAws();
    const policy = loadPolicy();
    const enforcement: Enforcement = { denials: [], allowed: [] };
    const enforced = new WeakSet<EC2Client>();
    const ec2 = (region: string) => {
      const client = world.ec2(region);
      if (!enforced.has(client)) {
        enforcePolicy(client, policy, world.fakeEc2, enforcement);
        enforced.add(client);
      }
      return client;
    };
    const operator = createOperator({ kube: world.operatorKube, ec2, withPki: { vault: world.vault }, pollMs: 20 });
    void operator.start();
    const clusters = world.kube.resource(ClusterResource);
    const denied = () => (enforcement.denials.length > 0 ? `the IAM policy refused: ${JSON.stringify(enforcement.denials, null, 2)}` : undefined);
    await until(
      async () =>
        (await clusters.get('prod-eu', { namespace: 'default' })).match(
          (c) => c.status?.phase === 'Ready',
          () => false,
        ),
      denied,
    );
    (await clusters.delete('prod-eu', { namespace: 'default' }))._unsafeUnwrap();
    await until(async () => (await clusters.get('prod-eu', { namespace: 'default' })).isErr(), denied);
    await operator.stop();
    expect(enforcement.denials).toEqual([]);
    // every mutating call touched only resources tagged as managed, or created them so tagged
    const mutations = enforcement.allowed.filter((r) => r.resource !== '*' && !/:(image|key-pair|volume|network-interface)\//.test(r.resource));
    expect(mutations.length).toBeGreaterThan(50);
    for (const r of mutations)
      expect(
        r.context['aws:ResourceTag/kubeception.io/managed-by'] ?? r.context['aws:RequestTag/kubeception.io/managed-by'],
        `${r.action} on ${r.resource}`,
      ).toBe('kubeception');
    const used = [...new Set(world.fakeEc2.requests.all().map((r) => `ec2:${r.action}`))].sort();
    expect(used).toEqual([...new Set(policy.Statement.flatMap((s) => list(s.Action)))].sort());
    expect(world.fakeEc2.state.userResources()).toEqual([]);
    await world.stop();
  }, 120_000);

  it('an operator whose managed-by tag the policy does not name cannot create anything', async () => {
    const world = await startEmbeddedAws();
    const enforcement: Enforcement = { denials: [], allowed: [] };
    enforcePolicy(world.ec2('eu-west-1'), loadPolicy(), world.fakeEc2, enforcement); // the sample's region
    const operator = createOperator({ kube: world.operatorKube, ec2: world.ec2, withPki: { vault: world.vault }, pollMs: 20, managedBy: 'someone-else' });
    void operator.start();
    await expect.poll(() => enforcement.denials.map((d) => d.action), { timeout: 30_000 }).toContain('CreateVpc');
    await operator.stop();
    expect(world.fakeEc2.state.userResources()).toEqual([]);
    await world.stop();
  }, 60_000);
});
