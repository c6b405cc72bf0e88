/** What a pass leaves for the next to recall, and the driver describing only what it must while instances start and once a Cluster is as planned. */
import { EC2Client } from '@aws-sdk/client-ec2';
import type { Cluster, Persisted } from '@kubeception/sdk';
import type { ClusterDriver, DriverContext } from '@kubeception/sdk/cluster';
import { startFakeEc2, type StartedFakeEc2 } from '@kubeception/testing';
import { pino } from 'pino';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { AMI, awsSpecOf, testCluster } from './cluster.test-support.js';
import { createAwsDriver } from './driver.js';
import type { AwsWorld } from './observe.js';
import type { AwsSpec } from './provider-spec.js';
import { WorldMemory, worldVersion } from './world-memory.js';

const world = (vpc: string): AwsWorld => ({
  vpc: { id: vpc, cidr: '10.0.0.0/16', tags: {} },
  subnets: {},
  securityGroups: {},
  instances: { 'demo-master-0': [{ id: 'i-1', state: 'pending', config: 'c' }] },
});

describe('WorldMemory', () => {
  let memory: WorldMemory;
  beforeEach(() => {
    vi.useFakeTimers({ toFake: ['Date'], now: 0 });
    memory = new WorldMemory({ movingMs: 1000, settledMs: 100 });
  });
  afterEach(() => vi.useRealTimers());

  it('gives the network of a pass that ended in the instance stages to the next pass once, without its instances', () => {
    memory.remember('c', 'v', world('vpc-1'), 'moving');
    expect(memory.recall('c', 'v')).toEqual({ kind: 'moving', network: { vpc: world('vpc-1').vpc, subnets: {}, securityGroups: {} } });
    // a pass that fails remembers nothing: the one after describes everything
    expect(memory.recall('c', 'v')).toBeUndefined();
  });

  it('gives nothing to another uid, generation or region, nor after a pass that left nothing, nor once forgotten', () => {
    memory.remember('c', 'v', world('vpc-1'), 'moving');
    expect(memory.recall('c', 'other')).toBeUndefined();
    memory.remember('c', 'v', world('vpc-1'), undefined);
    expect(memory.recall('c', 'v')).toBeUndefined();
    memory.remember('c', 'v', world('vpc-1'), 'settled');
    memory.forget('c');
    expect(memory.recall('c', 'v')).toBeUndefined();
    expect(worldVersion({ metadata: { uid: 'u', generation: 2 } }, 'eu-west-1')).toBe('u/2/eu-west-1');
  });

  it('ages a network from when it was last described: a world built on a recalled one keeps its time', () => {
    memory.remember('c', 'v', world('vpc-1'), 'moving');
    vi.setSystemTime(600);
    expect(memory.recall('c', 'v')).toBeDefined();
    memory.remember('c', 'v', { ...world('vpc-1'), recalled: true }, 'moving');
    vi.setSystemTime(1001);
    expect(memory.recall('c', 'v')).toBeUndefined();
    memory.remember('c', 'v', world('vpc-2'), 'moving'); // described again
    expect(memory.recall('c', 'v')).toMatchObject({ network: { vpc: { id: 'vpc-2' } } });
  });

  it('gives a world found as planned whole, for a short while only', () => {
    memory.remember('c', 'v', world('vpc-1'), 'settled');
    vi.setSystemTime(100);
    expect(memory.recall('c', 'v')).toEqual({ kind: 'settled', world: world('vpc-1') });
    memory.remember('c', 'v', { ...world('vpc-1'), recalled: true }, 'settled');
    vi.setSystemTime(101);
    expect(memory.recall('c', 'v')).toBeUndefined();
  });
});

describe('the driver while instances start and once a Cluster is as planned', () => {
  let clock = Date.parse('2026-01-01T00:00:00Z');
  let fake: StartedFakeEc2;
  let driver: ClusterDriver<AwsSpec, AwsWorld>;
  const context: DriverContext = {
    cache: () => {
      throw new Error('the AWS driver reads no host cache');
    },
    log: pino({ level: 'silent' }),
    signal: new AbortController().signal,
  };
  beforeAll(async () => {
    // the fake's own clock: instances stay pending until a test moves it
    fake = await startFakeEc2({ images: [{ id: AMI, name: 'kubeception-test' }], now: () => new Date(clock), instanceDelays: { pendingMs: 60_000 } });
    const ec2 = (region: string) =>
      new EC2Client({ region, endpoint: fake.url, credentials: { accessKeyId: 'AKIDEXAMPLE', secretAccessKey: 'secret' }, maxAttempts: 1 });
    driver = createAwsDriver({ ec2, pollMs: 1 });
  });
  afterAll(() => fake.close());

  const cluster = (generation: number, deleting = false): Persisted<Cluster> => {
    const c = testCluster({ name: 'starting', namespace: 'demo', uid: 'uid-starting' });
    return { ...c, metadata: { ...c.metadata, generation, ...(deleting ? { deletionTimestamp: '2026-01-01T00:00:00Z' } : {}) } } as Persisted<Cluster>;
  };
  /** One observe and apply: the progress, the EC2 actions observe called, and what it found. */
  async function pass(c: Persisted<Cluster>) {
    fake.requests.clear();
    const observed = (await driver.observe(c, awsSpecOf(c), context))._unsafeUnwrap();
    const described = fake.requests.all().map((r) => r.action);
    const progress = (await driver.apply(c, awsSpecOf(c), observed, context))._unsafeUnwrap();
    return { progress, described, observed };
  }

  it('describes the instances alone while they start, everything once none moves, and nothing right after it found everything as planned', async () => {
    const first = await pass(cluster(1));
    expect(first.described).toEqual(['DescribeVpcs']); // no VPC: nothing else to describe
    expect(first.progress).toMatchObject({ reason: 'starting 2 instances' });
    const starting = await pass(cluster(1));
    expect(starting.described).toEqual(['DescribeInstances']);
    expect(starting.observed.provider.recalled).toBe(true);
    expect(starting.observed.conditions.find((c) => c.type === 'InstancesReady')?.status).toBe('False');
    expect(starting.observed.conditions.find((c) => c.type === 'NetworkReady')?.status).toBe('True');
    expect(starting.progress).toMatchObject({ reason: 'waiting for 2 instances to settle' });
    clock += 60_000;
    const running = await pass(cluster(1));
    expect(running.described).toHaveLength(6);
    expect(running.observed.provider.recalled).toBeUndefined();
    expect(running.progress).toEqual({ type: 'done' });
    const again = await pass(cluster(1));
    expect(again.described).toEqual([]);
    expect(again.progress).toEqual({ type: 'done' });
    expect(again.observed.conditions.every((c) => c.status === 'True')).toBe(true);
    // another generation, or a deletion, is described whole
    expect((await pass(cluster(2))).described).toHaveLength(6);
    expect((await pass(cluster(2))).described).toEqual([]);
    fake.requests.clear();
    await driver.observe(cluster(2, true), awsSpecOf(cluster(2)), context);
    expect(fake.requests.count()).toBe(6);
  });
});
