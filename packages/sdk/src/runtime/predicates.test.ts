import { describe, expect, it } from 'vitest';
import type { KubeObject } from '../resource.js';
import { changedBeyondStatus, changedBeyondStatusOrFinalizer } from './predicates.js';

const base: KubeObject = {
  apiVersion: 'v1',
  kind: 'Thing',
  metadata: { name: 'a', resourceVersion: '1', labels: { app: 'x' } },
  spec: { size: 1 },
} as KubeObject;
const next = (change: (o: KubeObject & { metadata: NonNullable<KubeObject['metadata']> } & Record<string, unknown>) => void): KubeObject => {
  const copy = structuredClone(base) as KubeObject & { metadata: NonNullable<KubeObject['metadata']> } & Record<string, unknown>;
  copy.metadata.resourceVersion = '2';
  change(copy);
  return copy;
};

describe('changedBeyondStatus', () => {
  it('ignores status, resourceVersion and managedFields; sees spec and metadata', () => {
    expect(changedBeyondStatus(undefined, base)).toBe(true);
    expect(
      changedBeyondStatus(
        base,
        next((o) => (o.status = { ready: true })),
      ),
    ).toBe(false);
    expect(
      changedBeyondStatus(
        base,
        next((o) => (o.metadata.managedFields = [{ manager: 'm' }])),
      ),
    ).toBe(false);
    expect(
      changedBeyondStatus(
        base,
        next((o) => (o.spec = { size: 2 })),
      ),
    ).toBe(true);
    expect(
      changedBeyondStatus(
        base,
        next((o) => (o.metadata.labels = { app: 'y' })),
      ),
    ).toBe(true);
  });
});

describe('changedBeyondStatusOrFinalizer', () => {
  const predicate = changedBeyondStatusOrFinalizer('example.io/mine');
  it('skips the controller adding its own finalizer (with or without a status write)', () => {
    expect(
      predicate(
        base,
        next((o) => (o.metadata.finalizers = ['example.io/mine'])),
      ),
    ).toBe(false);
    expect(
      predicate(
        base,
        next((o) => ((o.metadata.finalizers = ['example.io/mine']), (o.status = { ready: true }))),
      ),
    ).toBe(false);
    const withOther = next((o) => (o.metadata.finalizers = ['other.io/theirs']));
    expect(
      predicate(
        withOther,
        next((o) => (o.metadata.finalizers = ['other.io/theirs', 'example.io/mine'])),
      ),
    ).toBe(false);
  });

  it('sees anything else: another change with it, its removal, another finalizer, a deletion', () => {
    expect(predicate(undefined, base)).toBe(true);
    expect(
      predicate(
        base,
        next((o) => ((o.metadata.finalizers = ['example.io/mine']), (o.spec = { size: 2 }))),
      ),
    ).toBe(true);
    const mine = next((o) => (o.metadata.finalizers = ['example.io/mine']));
    expect(
      predicate(
        mine,
        next((o) => delete o.metadata.finalizers),
      ),
    ).toBe(true);
    expect(
      predicate(
        base,
        next((o) => (o.metadata.finalizers = ['other.io/theirs'])),
      ),
    ).toBe(true);
    expect(
      predicate(
        mine,
        next((o) => ((o.metadata.finalizers = ['example.io/mine']), (o.metadata.deletionTimestamp = '2026-12-02T00:00:00Z'))),
      ),
    ).toBe(true);
    expect(
      predicate(
        base,
        next((o) => (o.status = { ready: true })),
      ),
    ).toBe(false);
  });
});
