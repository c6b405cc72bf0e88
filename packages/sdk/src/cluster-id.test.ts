import { describe, expect, it } from 'vitest';
import { clusterId, CLUSTER_ID_HASH_LENGTH } from './cluster-id.js';
import { dns1123LabelProblem } from './parse/names.js';
import { MAX_CLUSTER_NAME_LENGTH } from './models/cluster-spec.js';

describe('clusterId', () => {
  it('differs for the same name in two namespaces, and is stable', () => {
    const a = clusterId({ namespace: 'default', name: 'demo' });
    const b = clusterId({ namespace: 'other', name: 'demo' });
    expect(a).not.toBe(b);
    expect(a).toBe(clusterId({ namespace: 'default', name: 'demo' }));
    expect(a).toMatch(new RegExp(`^demo-[a-z2-7]{${CLUSTER_ID_HASH_LENGTH}}$`));
  });

  it('cannot be forged by moving a dash between namespace and name', () => {
    expect(clusterId({ namespace: 'a-b', name: 'c' }).slice(-CLUSTER_ID_HASH_LENGTH)).not.toBe(
      clusterId({ namespace: 'a', name: 'b-c' }).slice(-CLUSTER_ID_HASH_LENGTH),
    );
  });

  it('is a DNS-1123 label for the longest Cluster name', () => {
    const id = clusterId({ namespace: 'n'.repeat(63), name: 'c'.repeat(MAX_CLUSTER_NAME_LENGTH) });
    expect(dns1123LabelProblem(id)).toBeUndefined();
    expect(id).toHaveLength(MAX_CLUSTER_NAME_LENGTH + 1 + CLUSTER_ID_HASH_LENGTH);
  });

  it('is the documented derivation (a fixed vector), however many IDs were made before', () => {
    expect(clusterId({ namespace: 'default', name: 'demo' })).toBe('demo-alemq23dns');
    // more coordinates than the hashes kept, so the first ones are forgotten in between
    const ids = Array.from({ length: 10_000 }, (_, i) => clusterId({ namespace: `ns-${i % 7}`, name: `c-${i}` }));
    expect(new Set(ids).size).toBe(ids.length);
    expect(clusterId({ namespace: 'default', name: 'demo' })).toBe('demo-alemq23dns');
    expect(clusterId({ namespace: 'ns-0', name: 'c-0' })).toBe(ids[0]);
    expect(clusterId({ namespace: `ns-${9999 % 7}`, name: 'c-9999' })).toBe(ids[9999]);
  });
});
