import { describe, expect, it } from 'vitest';
import type { KubeObject, Persisted } from '../resource.js';
import { controllingOwnerKey, primaryTrigger } from './controller-triggers.js';

const obj = (
  name: string,
  extra: { namespace?: string; rv?: string; owners?: { apiVersion: string; kind: string; name: string; controller?: boolean }[] } = {},
) =>
  ({
    metadata: {
      name,
      ...(extra.namespace === undefined ? {} : { namespace: extra.namespace }),
      uid: `uid-${name}`,
      resourceVersion: extra.rv ?? '1',
      generation: 1,
      ...(extra.owners ? { ownerReferences: extra.owners.map((o) => ({ ...o, uid: `uid-${o.name}` })) } : {}),
    },
  }) as Persisted<KubeObject>;

const Certificate = { apiVersion: 'kubeception.io/v1alpha1', kind: 'Certificate' };

describe('primaryTrigger', () => {
  const always = () => true;
  const never = () => false;

  it('queues objects of the initial list at low priority, whatever the predicate says', () => {
    expect(primaryTrigger({ type: 'Applied', object: obj('a', { namespace: 'ns' }), initial: true }, never)).toEqual({
      type: 'queue',
      key: 'ns/a',
      priority: 'resync',
    });
  });

  it('queues a change the predicate lets through, with the object before and after', () => {
    const previous = obj('a', { namespace: 'ns' });
    const next = obj('a', { namespace: 'ns', rv: '2' });
    const seen: unknown[] = [];
    const trigger = primaryTrigger({ type: 'Applied', object: next, previous, initial: false }, (p, n) => (seen.push(p, n), true));
    expect(trigger).toEqual({ type: 'queue', key: 'ns/a', priority: 'change' });
    expect(seen).toEqual([previous, next]);
    expect(primaryTrigger({ type: 'Applied', object: next, previous, initial: false }, never)).toBeUndefined();
  });

  it('forgets a deleted object, and ignores Synced', () => {
    expect(primaryTrigger({ type: 'Deleted', object: obj('node-1') }, always)).toEqual({ type: 'forget', key: 'node-1' });
    expect(primaryTrigger({ type: 'Synced' }, always)).toBeUndefined();
  });
});

describe('controllingOwnerKey', () => {
  it("is the controller owner's key, in the owned object's namespace", () => {
    const owned = obj('ca-secret', { namespace: 'team-a', owners: [{ ...Certificate, name: 'ca', controller: true }] });
    expect(controllingOwnerKey(owned, Certificate)).toBe('team-a/ca');
  });

  it('ignores owner references that are not the controller, or of another kind', () => {
    expect(controllingOwnerKey(obj('s', { namespace: 'ns', owners: [{ ...Certificate, name: 'ca' }] }), Certificate)).toBeUndefined();
    expect(
      controllingOwnerKey(obj('s', { namespace: 'ns', owners: [{ apiVersion: 'v1', kind: 'ConfigMap', name: 'cm', controller: true }] }), Certificate),
    ).toBeUndefined();
    expect(controllingOwnerKey(obj('s', { namespace: 'ns' }), Certificate)).toBeUndefined();
  });

  it('matches the API group, not the version, and tells groups apart', () => {
    const otherVersion = obj('s', { namespace: 'ns', owners: [{ apiVersion: 'kubeception.io/v1', kind: 'Certificate', name: 'ca', controller: true }] });
    expect(controllingOwnerKey(otherVersion, Certificate)).toBe('ns/ca');
    const otherGroup = obj('s', { namespace: 'ns', owners: [{ apiVersion: 'cert-manager.io/v1', kind: 'Certificate', name: 'ca', controller: true }] });
    expect(controllingOwnerKey(otherGroup, Certificate)).toBeUndefined();
  });

  it('keys a cluster-scoped owner of a cluster-scoped object by name alone', () => {
    const owned = obj('child', { owners: [{ apiVersion: 'example.io/v1', kind: 'Tenant', name: 'acme', controller: true }] });
    expect(controllingOwnerKey(owned, { apiVersion: 'example.io/v1', kind: 'Tenant' })).toBe('acme');
  });
});
