import { describe, expect, it } from 'vitest';
import type { KubeObject, Persisted } from '../resource.js';
import { createStore, objectKey, parseKey } from './store.js';

const obj = (name: string, extra: { namespace?: string; labels?: Record<string, string>; owner?: string; managedFields?: unknown[]; rv?: string } = {}) =>
  ({
    metadata: {
      name,
      namespace: extra.namespace ?? 'ns',
      uid: `uid-${name}`,
      resourceVersion: extra.rv ?? '1',
      generation: 1,
      creationTimestamp: '2026-01-01T00:00:00Z',
      ...(extra.labels ? { labels: extra.labels } : {}),
      ...(extra.owner ? { ownerReferences: [{ apiVersion: 'v1', kind: 'X', name: 'o', uid: extra.owner }] } : {}),
      ...(extra.managedFields ? { managedFields: extra.managedFields } : {}),
    },
  }) as Persisted<KubeObject>;

describe('store', () => {
  it('keys objects by namespace/name', () => {
    expect(objectKey(obj('a'))).toBe('ns/a');
    expect(objectKey({ metadata: { name: 'node-1' } })).toBe('node-1');
    expect(parseKey('ns/a')).toEqual({ namespace: 'ns', name: 'a' });
    expect(parseKey('node-1')).toEqual({ name: 'node-1' });
  });

  it('indexes by namespace, label and owner, finds by name, and keeps indexes right on update and delete', () => {
    const { reader, upsert, remove } = createStore();
    upsert(obj('a', { labels: { app: 'x' }, owner: 'o1' }));
    upsert(obj('b', { namespace: 'other', labels: { app: 'x' } }));
    expect(
      reader
        .byLabel('app', 'x')
        .map((o) => o.metadata.name)
        .sort(),
    ).toEqual(['a', 'b']);
    expect(reader.byNamespace('other').map((o) => o.metadata.name)).toEqual(['b']);
    expect(reader.byOwner('o1').map((o) => o.metadata.name)).toEqual(['a']);
    upsert(obj('a', { namespace: 'other' }));
    expect(reader.byName('a').map(objectKey).sort()).toEqual(['ns/a', 'other/a']);
    remove('other/a');
    expect(reader.byName('a').map(objectKey)).toEqual(['ns/a']);
    upsert({ metadata: { name: 'a', resourceVersion: '1', uid: 'u-node-a' } } as Persisted<KubeObject>);
    expect(reader.byName('a').map(objectKey).sort()).toEqual(['a', 'ns/a']);
    remove('a');

    upsert(obj('a', { labels: { app: 'y' }, rv: '2' }));
    expect(reader.byLabel('app', 'x').map((o) => o.metadata.name)).toEqual(['b']);
    expect(reader.byOwner('o1')).toEqual([]);
    remove('other/b');
    expect(reader.byLabel('app', 'x')).toEqual([]);
    expect(reader.size).toBe(1);
  });

  it('supports user-defined indexes', () => {
    const { reader, upsert } = createStore({ indexes: { cluster: (o) => [o.metadata.labels?.['kubeception.io/cluster'] ?? ''] } });
    upsert(obj('a', { labels: { 'kubeception.io/cluster': 'demo' } }));
    expect(reader.byIndex('cluster', 'demo').map((o) => o.metadata.name)).toEqual(['a']);
    expect(() => reader.byIndex('nope', 'x')).toThrow(/no index named "nope"/);
  });

  it('adds an index from a reader: files what is stored, follows later writes, keeps the first function of a name', () => {
    const { reader, upsert, remove } = createStore();
    upsert(obj('a', { labels: { tier: 'web' } }));
    upsert(obj('b', { labels: { tier: 'db' } }));
    reader.addIndex('tier', (o) => [o.metadata.labels?.tier ?? '']);
    reader.addIndex('tier', () => ['ignored']);
    expect(reader.byIndex('tier', 'web').map((o) => o.metadata.name)).toEqual(['a']);
    upsert(obj('a', { labels: { tier: 'db' } }));
    upsert(obj('c', { labels: { tier: 'web' } }));
    remove('ns/b');
    expect(reader.byIndex('tier', 'db').map((o) => o.metadata.name)).toEqual(['a']);
    expect(reader.byIndex('tier', 'web').map((o) => o.metadata.name)).toEqual(['c']);
    expect(reader.byIndex('tier', 'ignored')).toEqual([]);
  });

  it('drops managedFields by default, or applies a given transform', () => {
    const plain = createStore();
    plain.upsert(obj('a', { managedFields: [{ manager: 'm' }] }));
    expect(plain.reader.get('ns/a')?.metadata).not.toHaveProperty('managedFields');
    const keep = createStore({ transform: (o) => o });
    keep.upsert(obj('a', { managedFields: [{ manager: 'm' }] }));
    expect(keep.reader.get('ns/a')?.metadata.managedFields).toHaveLength(1);
  });
});
