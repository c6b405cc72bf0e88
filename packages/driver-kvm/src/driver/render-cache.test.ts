/** The driver's render cache: the last rendering of each Cluster, reused while its inputs are the same. */
import { describe, expect, it } from 'vitest';
import { clusterOwner, type KvmCluster } from '../render/cluster.js';
import { haCluster, sampleCluster, sampleInputs } from '../render/test-fixtures.js';
import { createRenderCache, UNALLOCATED } from './render-cache.js';

const network = { network: '10.1.3.0/24', vni: 3 };

describe('createRenderCache', () => {
  it('reuses the last rendering while the Cluster and its network are the same', () => {
    const cache = createRenderCache({ flannel: sampleInputs.flannel });
    const first = cache.render(sampleCluster(), network);
    expect('value' in first && first.value.flannel.config).toMatchObject({ Network: network.network, Backend: { VNI: network.vni } });
    expect(cache.render(sampleCluster(), { ...network })).toBe(first);
  });

  it('renders again when the network or the spec changes, and keeps only the last', () => {
    const cache = createRenderCache({ flannel: sampleInputs.flannel });
    const first = cache.render(sampleCluster(), network);
    const moved = cache.render(sampleCluster(), { network: '10.1.4.0/24', vni: 4 });
    expect(moved).not.toBe(first);
    const scaled = sampleCluster();
    const bigger: KvmCluster = {
      ...scaled,
      spec: { ...scaled.spec, masters: { ...scaled.spec.masters, replicas: scaled.spec.masters.replicas === 1 ? 3 : 1 } },
    };
    expect(cache.render(bigger, network)).not.toBe(moved);
    const again = cache.render(sampleCluster(), network);
    expect(again).not.toBe(first);
    expect(again).toEqual(first);
  });

  it('renders a Cluster without a network with the unallocated one, to find out whether it renders at all', () => {
    const cache = createRenderCache({ flannel: sampleInputs.flannel });
    const unallocated = cache.render(sampleCluster(), undefined);
    expect('value' in unallocated && unallocated.value.flannel.config).toMatchObject({ Network: UNALLOCATED.network, Backend: { VNI: UNALLOCATED.vni } });
    expect(cache.render(sampleCluster(), UNALLOCATED)).toBe(unallocated);
  });

  it('keeps each Cluster apart, and forgets one on request', () => {
    const cache = createRenderCache({ flannel: sampleInputs.flannel, ingressNamespace: 'ingress' });
    const sample = cache.render(sampleCluster(), network);
    const ha = cache.render(haCluster(), network);
    expect(cache.render(sampleCluster(), network)).toBe(sample);
    cache.forget(clusterOwner(haCluster()));
    expect(cache.render(haCluster(), network)).not.toBe(ha);
    expect(cache.render(sampleCluster(), network)).toBe(sample);
  });

  it('keeps why a Cluster cannot be rendered', () => {
    const cluster = haCluster();
    const workers = cluster.spec.workers.map((pool) => (pool.name === 'gpu' ? { ...pool, labels: { 'example.com/gpu': 'true\nExecStartPre=/bin/sh' } } : pool));
    const unsafe: KvmCluster = { ...cluster, spec: { ...cluster.spec, workers } };
    const cache = createRenderCache({ flannel: sampleInputs.flannel });
    const outcome = cache.render(unsafe, network);
    expect('error' in outcome && outcome.error).toMatchObject({ kind: 'Unrenderable', field: 'spec.workers[1].labels["example.com/gpu"]' });
    expect(cache.render(unsafe, network)).toBe(outcome);
  });
});
