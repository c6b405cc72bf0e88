import { EC2 } from '@aws-sdk/client-ec2';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { imageId } from './catalog.js';
import { startFakeEc2, type StartedFakeEc2 } from './fake-ec2.js';
import { CREDENTIALS, ec2Error, ENDPOINT, failure, inProcess, inProcessSuite, network } from './test-support.js';

describe('faults and the request log (in-process)', () => {
  const t = inProcessSuite();
  const c = t.client();

  it('hides new resources from Describe calls for N calls (eventual consistency)', async () => {
    const consistency = t.ec2.faults.eventualConsistency({ describeCalls: 2, types: ['vpc'] });
    const vpcId = (await c.createVpc({ CidrBlock: '10.0.0.0/16' })).Vpc?.VpcId ?? '';
    expect(await failure(c.describeVpcs({ VpcIds: [vpcId] }))).toMatchObject({ code: 'InvalidVpcID.NotFound' });
    expect((await c.describeVpcs({})).Vpcs).toEqual([]);
    expect((await c.describeVpcs({ VpcIds: [vpcId] })).Vpcs?.map((v) => v.VpcId)).toEqual([vpcId]);
    // other types are unaffected; mutations see the VPC at once
    const subnet = (await c.createSubnet({ VpcId: vpcId, CidrBlock: '10.0.0.0/24' })).Subnet?.SubnetId;
    expect((await c.describeSubnets({ SubnetIds: [subnet ?? ''] })).Subnets).toHaveLength(1);
    consistency.cancel();
    const later = (await c.createVpc({ CidrBlock: '10.1.0.0/16' })).Vpc?.VpcId ?? '';
    expect((await c.describeVpcs({ VpcIds: [later] })).Vpcs).toHaveLength(1);
  });

  it("throttles with RequestLimitExceeded (503) and the SDK's retry recovers", async () => {
    t.ec2.requests.clear();
    t.ec2.faults.throttle({ action: 'DescribeVpcs', times: 1 });
    expect(await failure(c.describeVpcs({}))).toEqual(ec2Error('RequestLimitExceeded', 'Request limit exceeded.', 503));
    t.ec2.faults.throttle({ action: 'DescribeVpcs', times: 1 });
    const retrying = t.client('us-east-1', { maxAttempts: 3 });
    const out = await retrying.describeVpcs({});
    expect(out.$metadata.attempts).toBe(2);
    expect(t.ec2.requests.count({ action: 'DescribeVpcs', code: 'RequestLimitExceeded', faulted: true })).toBe(2);
    expect(t.ec2.requests.filter({ action: 'DescribeVpcs' }).map((r) => [r.status, r.fault])).toEqual([
      [503, 'throttle'],
      [503, 'throttle'],
      [200, undefined],
    ]);
  });

  it('retries a RunInstances that met a 5xx with the same ClientToken: one instance, not two', async () => {
    const { subnetId } = await network(t.client('us-west-2'), 'us-west-2a');
    const west = t.client('us-west-2', { maxAttempts: 2 });
    const ami = imageId({ name: 'flatcar-stable-4152.2.3-hvm' }, 'us-west-2');
    t.ec2.faults.fail({ action: 'RunInstances', status: 500, times: 1 });
    const out = await west.runInstances({ ImageId: ami, MinCount: 1, MaxCount: 1, SubnetId: subnetId, InstanceType: 't3.small' });
    expect(out.$metadata.attempts).toBe(2);
    expect(t.ec2.requests.filter({ action: 'RunInstances' }).map((r) => [r.status, r.code, r.fault])).toEqual([
      [500, 'InternalError', 'fail 500'],
      [200, undefined, undefined],
    ]);
    expect(t.ec2.state.instances({ region: 'us-west-2' })).toHaveLength(1);
  });

  it('answers raw Query requests: XML with requestId, unknown actions, DryRun', async () => {
    const post = (body: string) => fetch(ENDPOINT, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body });
    const ok = await post('Action=DescribeRegions&Version=2016-11-15&RegionName.1=us-east-1');
    const text = await ok.text();
    expect(ok.headers.get('x-amzn-requestid')).toMatch(/^[0-9a-f-]{36}$/);
    expect(text).toContain('<DescribeRegionsResponse xmlns="http://ec2.amazonaws.com/doc/2016-11-15/">');
    expect(text).toContain(`<requestId>${ok.headers.get('x-amzn-requestid')}</requestId>`);
    const bad = await post('Action=LaunchRockets&Version=2016-11-15');
    expect(bad.status).toBe(400);
    expect(await bad.text()).toMatch(
      /<Response><Errors><Error><Code>InvalidAction<\/Code><Message>The action LaunchRockets is not valid for this web service.<\/Message><\/Error><\/Errors><RequestID>[0-9a-f-]{36}<\/RequestID><\/Response>/,
    );
    const dry = await t.ec2.handle(
      new Request(ENDPOINT, {
        method: 'POST',
        body: new URLSearchParams({ Action: 'CreateVpc', Version: '2016-11-15', CidrBlock: '10.0.0.0/16', DryRun: 'true' }),
      }),
    );
    expect([dry.status, (await dry.text()).includes('<Code>DryRunOperation</Code>')]).toEqual([412, true]);
    expect(t.ec2.requests.all().at(-1)).toMatchObject({
      action: 'CreateVpc',
      region: 'us-east-1',
      status: 412,
      code: 'DryRunOperation',
      params: { CidrBlock: '10.0.0.0/16', DryRun: 'true' },
    });
  });
});

describe('probabilistic faults (own fake)', () => {
  it('fails with a chosen code, by probability from a seeded random, and adds latency', async () => {
    let n = 0;
    const local = inProcess({ random: () => [0.1, 0.9, 0.1, 0.9][n++ % 4] ?? 0 });
    try {
      const client = local.client();
      const rule = local.ec2.faults.fail({ action: 'DescribeInstances', status: 503, probability: 0.5 });
      const results: string[] = [];
      for (let i = 0; i < 4; i++)
        results.push(
          await client.describeInstances({}).then(
            () => 'ok',
            (e: Error) => e.name,
          ),
        );
      expect(results).toEqual(['Unavailable', 'ok', 'Unavailable', 'ok']);
      expect(local.ec2.requests.count({ action: 'DescribeInstances', status: 503 })).toBe(2);
      rule.cancel();
      local.ec2.faults.fail({ status: 400, code: 'UnauthorizedOperation', message: 'You are not authorized to perform this operation.' });
      expect(await failure(client.describeVpcs({}))).toEqual(ec2Error('UnauthorizedOperation', 'You are not authorized to perform this operation.'));
      local.ec2.faults.latency({ action: 'DescribeVpcs', ms: 5, times: 1 });
      await client.describeVpcs({});
      expect(local.ec2.requests.filter({ action: 'DescribeVpcs' }).map((r) => r.fault)).toEqual(['fail 400', 'latency 5ms']);
      local.ec2.faults.clear();
    } finally {
      local.close();
    }
  });
});

describe('served on a real port', () => {
  let ec2: StartedFakeEc2;
  beforeAll(async () => {
    ec2 = await startFakeEc2({ accountId: '210987654321' });
  });
  afterAll(() => ec2.close());

  it('serves the real SDK over HTTP (not intercepted)', async () => {
    expect(ec2.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    const client = new EC2({ region: 'eu-west-1', endpoint: ec2.url, credentials: CREDENTIALS, maxAttempts: 1 });
    try {
      const { Vpc } = await client.createVpc({
        CidrBlock: '172.16.0.0/16',
        TagSpecifications: [{ ResourceType: 'vpc', Tags: [{ Key: 'Name', Value: 'served' }] }],
      });
      expect(Vpc?.OwnerId).toBe('210987654321');
      expect((await client.describeVpcs({ Filters: [{ Name: 'tag:Name', Values: ['served'] }] })).Vpcs).toHaveLength(1);
      expect(await failure(client.describeVpcs({ VpcIds: ['vpc-00000000000000000'] }))).toMatchObject({
        code: 'InvalidVpcID.NotFound',
        status: 400,
      });
      ec2.faults.throttle();
      expect(await failure(client.describeVpcs({}))).toMatchObject({ code: 'RequestLimitExceeded', status: 503 });
      expect(ec2.requests.count({ region: 'eu-west-1' })).toBe(4);
      const stray = await fetch(`${ec2.url}/something`);
      expect(stray.status).toBe(400);
      expect(ec2.state.userResources()).toEqual([expect.objectContaining({ type: 'vpc', region: 'eu-west-1', tags: { Name: 'served' } })]);
    } finally {
      client.destroy();
    }
  });
});
