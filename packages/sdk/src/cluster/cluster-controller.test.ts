import { describe, expect, it } from 'vitest';
import type { KubeObject, Persisted } from '../resource.js';
import { createStore } from '../runtime/store.js';
import { clusterKeys } from './cluster-controller.js';

const cluster = (namespace: string, name: string) =>
  ({
    metadata: { name, namespace, uid: `uid-${namespace}-${name}`, resourceVersion: '1', generation: 1, creationTimestamp: '2026-01-01T00:00:00Z' },
  }) as Persisted<KubeObject>;

describe('clusterKeys', () => {
  it('keys a Cluster named with its namespace directly, and one named without by every cached Cluster of the name', () => {
    const store = createStore();
    for (const c of [cluster('team-a', 'demo'), cluster('team-b', 'demo'), cluster('team-a', 'other')]) store.upsert(c);
    expect(clusterKeys([{ namespace: 'team-c', name: 'demo' }], store.reader)).toEqual(['team-c/demo']);
    expect(clusterKeys([{ name: 'demo' }], store.reader).sort()).toEqual(['team-a/demo', 'team-b/demo']);
    expect(clusterKeys([{ name: 'absent' }, { namespace: 'team-a', name: 'other' }], store.reader)).toEqual(['team-a/other']);
  });
});
