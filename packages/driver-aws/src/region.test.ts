import type { Cluster, Persisted } from '@kubeception/sdk';
import { describe, expect, it } from 'vitest';
import { recordedRegions, regionOfProviderId, searchRegion } from './region.js';

const cluster = (aws: Record<string, unknown>, providerIDs: (string | undefined)[] = []) =>
  ({
    metadata: { name: 'demo', namespace: 'team-a', uid: 'u', resourceVersion: '1', generation: 1 },
    spec: { provider: { aws } },
    status: { nodes: providerIDs.map((providerID, i) => ({ name: `demo-${i}`, role: 'worker', ready: true, ...(providerID ? { providerID } : {}) })) },
  }) as unknown as Persisted<Cluster>;

describe('the region of a Cluster’s resources', () => {
  it('reads a node’s region from its providerID, only when it is a supported region', () => {
    expect(regionOfProviderId('aws:///eu-west-1a/i-0123456789abcdef0')).toBe('eu-west-1');
    expect(regionOfProviderId('aws:///ap-northeast-2d/i-0abc')).toBe('ap-northeast-2');
    expect(regionOfProviderId('aws:///mars-north-1a/i-0abc')).toBeUndefined();
    expect(regionOfProviderId('kvm://demo-master-0')).toBeUndefined();
    expect(regionOfProviderId(undefined)).toBeUndefined();
  });

  it('records each region of the nodes once', () => {
    expect(recordedRegions(cluster({}, ['aws:///eu-west-1a/i-1', 'aws:///eu-west-1b/i-2', undefined]))).toEqual(['eu-west-1']);
  });

  it('looks in the spec’s region, the recorded one when the spec names another, or the region as written', () => {
    expect(searchRegion(cluster({}), { region: 'us-east-1' })._unsafeUnwrap()).toBe('us-east-1');
    expect(searchRegion(cluster({}, ['aws:///eu-west-1a/i-1']), { region: 'us-east-1' })._unsafeUnwrap()).toBe('eu-west-1');
    expect(searchRegion(cluster({ region: 'eu-central-1', instances: 'broken' }), undefined)._unsafeUnwrap()).toBe('eu-central-1');
    expect(searchRegion(cluster({ region: 'mars-north-1' }, ['aws:///eu-west-1a/i-1']), undefined)._unsafeUnwrap()).toBe('eu-west-1');
    expect(searchRegion(cluster({ region: 7 }), undefined)._unsafeUnwrapErr().message).toContain('spec.provider.aws.region is 7, not a supported region');
  });
});
