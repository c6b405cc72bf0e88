/**
 * The driver against the fake EC2 of `@kubeception/testing` (the real `@aws-sdk/client-ec2`):
 * deletion by the ownership tag when the provider part no longer parses, the region a Cluster's
 * resources are looked for in, the refusal of a changed region, and EC2 failures reported.
 */
import { EC2Client } from '@aws-sdk/client-ec2';
import { clusterId, createClusterModel, type Cluster, type Persisted } from '@kubeception/sdk';
import type { ClusterDriver, DriverContext } from '@kubeception/sdk/cluster';
import { startFakeEc2, type StartedFakeEc2 } from '@kubeception/testing';
import { pino } from 'pino';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { AMI, awsSpecOf, testClusterManifest } from './cluster.test-support.js';
import { createAwsDriver } from './driver.js';
import type { AwsWorld } from './observe.js';
import { ownerTag } from './plan.js';
import { provider, type AwsSpec } from './provider-spec.js';

const model = createClusterModel({ providers: [provider] });
const context: DriverContext = {
  cache: () => {
    throw new Error('the AWS driver reads no host cache');
  },
  log: pino({ level: 'silent' }),
  signal: new AbortController().signal,
};

let fake: StartedFakeEc2;
let driver: ClusterDriver<AwsSpec, AwsWorld>;
beforeAll(async () => {
  // us-west-1 is not served: the fake answers AuthFailure there, as an account that has not opted into a region does
  fake = await startFakeEc2({ images: [{ id: AMI, name: 'kubeception-test' }], instanceDelays: { pendingMs: 5, shuttingDownMs: 5, terminatedRetentionMs: 1 } });
  const credentials = { accessKeyId: 'AKIDEXAMPLE', secretAccessKey: 'secret' };
  driver = createAwsDriver({ ec2: (region) => new EC2Client({ region, endpoint: fake.url, credentials, maxAttempts: 1 }), pollMs: 1 });
});
afterAll(() => fake.close());
beforeEach(() => fake.requests.clear());

/**
 * A valid Cluster `team-a/<name>` (defaults applied) with `aws` over the defaults, as the API server stores it.
 * Each test has its own name: the driver remembers its creations for a while (EC2 is eventually consistent).
 */
function cluster(name: string, aws: Record<string, unknown> = {}): Persisted<Cluster> {
  const valid = model.validate(testClusterManifest({ name, namespace: 'team-a', aws }))._unsafeUnwrap();
  return { ...valid, metadata: { ...valid.metadata, uid: `uid-${name}`, resourceVersion: '1', generation: 1 } } as Persisted<Cluster>;
}

/** `c` with its provider part replaced by `aws` as written (not parsed). */
const rewritten = (c: Persisted<Cluster>, aws: Record<string, unknown>): Persisted<Cluster> => ({
  ...c,
  spec: { ...c.spec, provider: { aws: { ...(c.spec.provider as { aws: object }).aws, ...aws } } },
});
const owned = (name: string) =>
  fake.state.userResources().filter((r) => r.tags[ownerTag(clusterId({ namespace: 'team-a', name }))] === 'owned' && r.state !== 'terminated');
const pause = () => new Promise((resolve) => setTimeout(resolve, 5));

/** Observes and applies until the driver is done; the Cluster with the nodes observe reported in its status, as the controller writes it. */
async function build(c: Persisted<Cluster>): Promise<Persisted<Cluster>> {
  for (let pass = 0; pass < 300; pass++, await pause()) {
    const observed = (await driver.observe(c, awsSpecOf(c), context))._unsafeUnwrap();
    if ((await driver.apply(c, awsSpecOf(c), observed, context))._unsafeUnwrap().type === 'done')
      return { ...c, status: { nodes: observed.nodes ?? [] } } as Persisted<Cluster>;
  }
  throw new Error('not built after 300 passes');
}

/** Observes and cleans up until the driver is done. */
async function teardown(c: Persisted<Cluster>, spec: AwsSpec | undefined): Promise<void> {
  for (let pass = 0; pass < 300; pass++, await pause()) {
    const observed = (await driver.observe(c, spec, context))._unsafeUnwrap();
    if ((await driver.cleanup(c, spec, observed, context))._unsafeUnwrap().type === 'done') return;
  }
  throw new Error('not cleaned up after 300 passes');
}

describe('deleting a Cluster whose spec.provider.aws no longer parses', () => {
  it('finds everything by the ownership tag in the region as written, and deletes it', async () => {
    const built = await build(cluster('unparsed'));
    expect(owned('unparsed').map((r) => r.type)).toContain('instance');
    // the controller passes no spec: the master instance type no longer parses, and the status is not needed
    const broken = rewritten({ ...built, status: {} } as Persisted<Cluster>, {
      instances: { master: { instanceType: 'huge', ami: AMI }, worker: { instanceType: 'm5.large', ami: AMI } },
    });
    expect(provider.specSchema.safeParse(awsSpecOf(broken)).success).toBe(false);
    expect((await driver.observe(broken, undefined, context))._unsafeUnwrap().provider.vpc).toBeDefined();
    await teardown(broken, undefined);
    expect(owned('unparsed')).toEqual([]);
  }, 30_000);

  it('with a region as written that is not supported, looks where its nodes were recorded', async () => {
    const built = await build(cluster('unsupported'));
    await teardown(rewritten(built, { region: 'mars-north-1' }), undefined);
    expect(owned('unsupported')).toEqual([]);
  }, 30_000);

  it('with no supported region and no node recorded, fails with what to do instead of deleting nothing', async () => {
    const error = (await driver.observe(rewritten(cluster('unknown'), { region: 'mars-north-1' }), undefined, context))._unsafeUnwrapErr();
    expect(error).toMatchObject({ kind: 'InvalidSpec', terminal: true });
    expect(error.message).toContain('"mars-north-1", not a supported region');
    expect(error.message).toContain(ownerTag(clusterId({ namespace: 'team-a', name: 'unknown' })));
  });
});

describe('a region changed on a Cluster written before the CRD fixed it', () => {
  it('is refused by preflight, is looked for in the region its nodes run in, and its deletion deletes them there', async () => {
    const built = await build(cluster('moved'));
    const moved = rewritten(built, { region: 'us-east-1' });
    const refused = (await driver.preflight?.(moved, awsSpecOf(moved), context))?._unsafeUnwrapErr();
    expect(refused).toMatchObject({ kind: 'InvalidSpec', reason: 'RegionChanged', terminal: true });
    expect(refused?.message).toContain("spec.provider.aws.region is us-east-1, but the cluster's nodes run in eu-west-1");
    expect((await driver.observe(moved, awsSpecOf(moved), context))._unsafeUnwrap().provider.vpc).toBeDefined();
    await teardown(moved, awsSpecOf(moved));
    expect(owned('moved')).toEqual([]);
    expect(fake.requests.all().filter((r) => r.region === 'us-east-1')).toEqual([]);
  }, 30_000);

  it('is not refused before any node was recorded (nothing tells where it was), nor in the region its nodes run in', async () => {
    const fresh = cluster('fresh', { region: 'us-east-1' });
    expect((await driver.preflight?.(fresh, awsSpecOf(fresh), context))?.isOk()).toBe(true);
    const built = {
      ...cluster('recorded'),
      status: { nodes: [{ name: 'recorded-master-0', role: 'master', ready: true, providerID: 'aws:///eu-west-1a/i-0123456789abcdef0' }] },
    } as Persisted<Cluster>;
    expect((await driver.preflight?.(built, awsSpecOf(built), context))?.isOk()).toBe(true);
  });
});

describe('EC2 failures', () => {
  it('an AuthFailure (a region the account does not serve) fails observe and cleanup with its message', async () => {
    const c = cluster('unserved', { region: 'us-west-1' });
    const observed = await driver.observe(c, awsSpecOf(c), context);
    expect(observed._unsafeUnwrapErr()).toMatchObject({
      kind: 'Failed',
      terminal: true,
      message: expect.stringContaining('AuthFailure: AWS was not able to validate the provided access credentials'),
    });
    const world: AwsWorld = { vpc: { id: 'vpc-0123456789abcdef0', cidr: '10.0.0.0/16', tags: {} }, subnets: {}, securityGroups: {}, instances: {} };
    const cleaned = await driver.cleanup(c, awsSpecOf(c), { provider: world, conditions: [] }, context);
    expect(cleaned._unsafeUnwrapErr()).toMatchObject({ kind: 'Failed', terminal: true, message: expect.stringContaining('AuthFailure') });
    expect(cleaned._unsafeUnwrapErr().cause).toBeInstanceOf(Error);
  });

  it('a retryable failure of one deletion is reported in the progress, with its message', async () => {
    const c = cluster('gone');
    const world: AwsWorld = { vpc: { id: 'vpc-0123456789abcdef0', cidr: '10.0.0.0/16', tags: {} }, subnets: {}, securityGroups: {}, instances: {} };
    const progress = (await driver.cleanup(c, awsSpecOf(c), { provider: world, conditions: [] }, context))._unsafeUnwrap();
    expect(progress).toMatchObject({
      type: 'requeueAfter',
      reason: expect.stringContaining("deleting the VPC (1 of 1 to retry: InvalidVpcID.NotFound: The vpc ID 'vpc-0123456789abcdef0' does not exist"),
    });
  });
});
