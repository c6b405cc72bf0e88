/**
 * Node boot: each instance's user data carries only a single-use, short-TTL, response-wrapped
 * Vault token limited to its cluster's policy; no key, and the token appears nowhere else.
 */
import { DescribeInstanceAttributeCommand, EC2Client } from '@aws-sdk/client-ec2';
import { clusterId } from '@kubeception/sdk';
import { EventResource, createKubeClient } from '@kubeception/sdk/kube';
import vault from 'node-vault';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { awsCluster, ownedBy, startAwsWorld, type AwsWorld } from './aws-world.js';

let world: AwsWorld;
beforeAll(async () => (world = await startAwsWorld({ bootTokens: true, captureLogs: true })));
afterAll(() => world.stop());

it('puts a single-use wrapped token for the cluster policy in user data, and no secret in logs, events or status', async () => {
  (await world.clusters().create(awsCluster('booted', {}, 1) as never))._unsafeUnwrap();
  await expect
    .poll(async () => (await world.clusters().get('booted', { namespace: 'default' }))._unsafeUnwrap().status?.phase, { timeout: 45_000, interval: 50 })
    .toBe('Ready');

  const ec2 = new EC2Client({ region: 'eu-west-1', endpoint: world.fakeEc2.url, credentials: { accessKeyId: 'AKIDEXAMPLE', secretAccessKey: 'secret' } });
  const instances = ownedBy(world.fakeEc2, 'booted').filter((r) => r.type === 'instance');
  expect(instances).toHaveLength(2);
  const root = vault({ endpoint: world.fakeVault.url, token: world.fakeVault.rootToken, noCustomHTTPVerbs: true });
  const tokens: string[] = [];
  for (const instance of instances) {
    const attribute = await ec2.send(new DescribeInstanceAttributeCommand({ InstanceId: instance.id, Attribute: 'userData' }));
    const userData = Buffer.from(attribute.UserData?.Value ?? '', 'base64').toString();
    expect(userData).not.toMatch(/PRIVATE KEY|BEGIN CERTIFICATE/);
    const token = /VAULT_WRAPPED_TOKEN=(\S+)/.exec(userData)?.[1] ?? '';
    expect(userData).toContain(`VAULT_ADDR=${world.fakeVault.url}`);
    tokens.push(token);
    const lookup = await root.write('sys/wrapping/lookup', { token });
    expect(lookup.data.creation_ttl).toBeLessThanOrEqual(600); // short-lived
    const unwrapped = await vault({ endpoint: world.fakeVault.url, token, noCustomHTTPVerbs: true }).write('sys/wrapping/unwrap', {});
    expect(unwrapped.auth.policies).toEqual([expect.stringMatching(new RegExp(`^kubeception-${clusterId({ namespace: 'default', name: 'booted' })}-roles-`))]); // limited to the cluster's node roles
    await expect(
      vault({ endpoint: world.fakeVault.url, token: unwrapped.auth.client_token, noCustomHTTPVerbs: true }).write(
        `pki-${clusterId({ namespace: 'default', name: 'booted' })}/issue/admin`,
        { common_name: 'admin' },
      ),
    ).rejects.toMatchObject({ response: { statusCode: 403 } }); // never admin
    await expect(vault({ endpoint: world.fakeVault.url, token, noCustomHTTPVerbs: true }).write('sys/wrapping/unwrap', {})).rejects.toBeDefined(); // single use
  }
  expect(world.logs().length).toBeGreaterThan(0);
  const elsewhere = JSON.stringify([
    world.logs(),
    (await world.clusters().list())._unsafeUnwrap().items,
    (await createKubeClient({ kubeConfig: world.server.kubeConfig, qps: 0 }).resource(EventResource).list())._unsafeUnwrap().items,
  ]);
  for (const token of tokens) expect(elsewhere).not.toContain(token);
  expect(elsewhere).not.toMatch(/PRIVATE KEY/);
}, 60_000);
