import { CertificateResource } from '@kubeception/sdk';
import { ConfigMapResource, NamespaceResource, type ConfigMap } from '@kubeception/sdk/kube';
import { describe, expect, it } from 'vitest';
import { certificate, eventually, useTarget } from './target.js';

const { resource, ns } = useTarget('delete');

const certs = () => resource(CertificateResource);
const configMaps = () => resource(ConfigMapResource);
const gone =
  (name: string, namespace = ns()) =>
  async () =>
    (await configMaps().get(name, { namespace })).match(
      () => false,
      (e) => e.kind === 'NotFound',
    );

async function configMap(
  name: string,
  owner?: { kind: string; name: string; uid: string; apiVersion: string; blockOwnerDeletion?: boolean },
  namespace = ns(),
) {
  const body: ConfigMap = { metadata: { name, namespace, ...(owner ? { ownerReferences: [{ ...owner, controller: true }] } : {}) }, data: {} };
  return (await configMaps().create(body))._unsafeUnwrap();
}
const ownerRef = (cm: { metadata: { name: string; uid: string } }, block = false) => ({
  apiVersion: 'v1',
  kind: 'ConfigMap',
  name: cm.metadata.name,
  uid: cm.metadata.uid,
  blockOwnerDeletion: block,
});

describe('delete', () => {
  it('removes an object without finalizers at once', async () => {
    await certs().create(certificate('d1', ns()));
    expect((await certs().delete('d1', { namespace: ns() }))._unsafeUnwrap()).toBeUndefined();
    expect((await certs().get('d1', { namespace: ns() }))._unsafeUnwrapErr().kind).toBe('NotFound');
  });

  it('answers NotFound for a missing object', async () => {
    expect((await certs().delete('never', { namespace: ns() }))._unsafeUnwrapErr().kind).toBe('NotFound');
  });

  it('honours a uid precondition: a Conflict on the kind, before anything is deleted', async () => {
    const created = (await certs().create(certificate('d2', ns())))._unsafeUnwrap();
    const error = (await certs().delete('d2', { namespace: ns(), preconditions: { uid: 'not-the-uid' } }))._unsafeUnwrapErr();
    expect(error).toMatchObject({
      kind: 'Conflict',
      code: 409,
      message: `Operation cannot be fulfilled on Certificate.kubeception.io "d2": the UID in the precondition (not-the-uid) does not match the UID in record (${created.metadata.uid}). The object might have been deleted and then recreated`,
    });
    expect((await certs().get('d2', { namespace: ns() })).isOk()).toBe(true);
  });

  it('honours a resourceVersion precondition', async () => {
    const created = (await certs().create(certificate('d3', ns())))._unsafeUnwrap();
    await certs().patch('d3', { type: 'merge', body: { metadata: { labels: { x: '1' } } } }, { namespace: ns() });
    const stale = await certs().delete('d3', { namespace: ns(), preconditions: { resourceVersion: created.metadata.resourceVersion } });
    expect(stale._unsafeUnwrapErr().kind).toBe('Conflict');
  });
});

describe('finalizers', () => {
  it('keep the object, with deletionTimestamp, until they are removed', async () => {
    await certs().create(certificate('f1', ns(), { metadata: { finalizers: ['example.com/hold'] } }));
    const deleting = (await certs().delete('f1', { namespace: ns() }))._unsafeUnwrap();
    expect(deleting?.metadata.deletionTimestamp).toBeDefined();
    expect((await certs().get('f1', { namespace: ns() }))._unsafeUnwrap().metadata.deletionTimestamp).toBeDefined();
    (await certs().patch('f1', { type: 'merge', body: { metadata: { finalizers: null } } }, { namespace: ns() }))._unsafeUnwrap();
    expect((await certs().get('f1', { namespace: ns() }))._unsafeUnwrapErr().kind).toBe('NotFound');
  });

  it('cannot be added once the object is being deleted', async () => {
    await certs().create(certificate('f2', ns(), { metadata: { finalizers: ['example.com/hold'] } }));
    await certs().delete('f2', { namespace: ns() });
    const error = (
      await certs().patch('f2', { type: 'merge', body: { metadata: { finalizers: ['example.com/hold', 'example.com/late'] } } }, { namespace: ns() })
    )._unsafeUnwrapErr();
    expect(error.kind).toBe('Invalid');
    expect(error.message).toContain('no new finalizers can be added if the object is being deleted');
    await certs().patch('f2', { type: 'merge', body: { metadata: { finalizers: null } } }, { namespace: ns() });
  });

  it('a second delete of a deleting object keeps deletionTimestamp', async () => {
    await certs().create(certificate('f3', ns(), { metadata: { finalizers: ['example.com/hold'] } }));
    const first = (await certs().delete('f3', { namespace: ns() }))._unsafeUnwrap();
    const second = (await certs().delete('f3', { namespace: ns() }))._unsafeUnwrap();
    expect(second?.metadata.deletionTimestamp).toBe(first?.metadata.deletionTimestamp);
    await certs().patch('f3', { type: 'merge', body: { metadata: { finalizers: null } } }, { namespace: ns() });
  });
});

describe('garbage collection', () => {
  it('deletes dependents of a deleted owner (background)', async () => {
    const owner = await configMap('gc-owner');
    await configMap('gc-child', ownerRef(owner));
    await configMaps().delete('gc-owner', { namespace: ns() });
    await eventually(gone('gc-child'), 10_000, 'gc-child to be collected');
  });

  it('cascades three levels deep', async () => {
    const root = await configMap('l1');
    const mid = await configMap('l2', ownerRef(root));
    const leaf = await configMap('l3', ownerRef(mid));
    await configMap('l4', ownerRef(leaf));
    await configMaps().delete('l1', { namespace: ns() });
    for (const name of ['l2', 'l3', 'l4']) await eventually(gone(name), 10_000, `${name} to be collected`);
  });

  it('orphans dependents with propagationPolicy Orphan, dropping the owner reference', async () => {
    const owner = await configMap('o-owner');
    await configMap('o-child', ownerRef(owner));
    await configMaps().delete('o-owner', { namespace: ns(), propagationPolicy: 'Orphan' });
    await eventually(gone('o-owner'));
    await eventually(async () => ((await configMaps().get('o-child', { namespace: ns() }))._unsafeUnwrap().metadata.ownerReferences ?? []).length === 0);
  });

  it('foreground deletion keeps the owner until blocking dependents are gone', async () => {
    const owner = await configMap('fg-owner');
    await configMap('fg-child', ownerRef(owner, true));
    await configMaps().patch('fg-child', { type: 'merge', body: { metadata: { finalizers: ['example.com/hold'] } } }, { namespace: ns() });
    const deleting = (await configMaps().delete('fg-owner', { namespace: ns(), propagationPolicy: 'Foreground' }))._unsafeUnwrap();
    expect(deleting?.metadata.finalizers).toContain('foregroundDeletion');
    await eventually(async () => (await configMaps().get('fg-child', { namespace: ns() }))._unsafeUnwrap().metadata.deletionTimestamp !== undefined);
    expect((await configMaps().get('fg-owner', { namespace: ns() })).isOk()).toBe(true);
    await configMaps().patch('fg-child', { type: 'merge', body: { metadata: { finalizers: null } } }, { namespace: ns() });
    await eventually(gone('fg-owner'), 10_000, 'the owner to go after its dependents');
  });

  it('keeps a dependent that still has another live owner', async () => {
    const a = await configMap('two-a');
    const b = await configMap('two-b');
    const child: ConfigMap = { metadata: { name: 'two-child', namespace: ns(), ownerReferences: [ownerRef(a), ownerRef(b)] } };
    (await configMaps().create(child))._unsafeUnwrap();
    await configMaps().delete('two-a', { namespace: ns() });
    await eventually(async () => ((await configMaps().get('two-child', { namespace: ns() }))._unsafeUnwrap().metadata.ownerReferences ?? []).length === 1);
  });
});

describe('namespaces', () => {
  const namespaces = () => resource(NamespaceResource);

  it('deleting a namespace empties it, then removes it', async () => {
    const name = `${ns()}-x`;
    (await namespaces().create({ metadata: { name } }))._unsafeUnwrap();
    await configMap('inside', undefined, name);
    const deleting = (await namespaces().delete(name))._unsafeUnwrap();
    expect(deleting?.status?.phase).toBe('Terminating');
    await eventually(async () => (await namespaces().get(name)).isErr(), 10_000, 'the namespace to go');
    expect((await configMaps().get('inside', { namespace: name }))._unsafeUnwrapErr().kind).toBe('NotFound');
  });

  it('waits for finalizers of its contents and refuses new content meanwhile', async () => {
    const name = `${ns()}-y`;
    (await namespaces().create({ metadata: { name } }))._unsafeUnwrap();
    await certs().create(certificate('held', name, { metadata: { finalizers: ['example.com/hold'] } }));
    await namespaces().delete(name);
    await eventually(async () => (await certs().get('held', { namespace: name }))._unsafeUnwrap().metadata.deletionTimestamp !== undefined);
    expect((await namespaces().get(name))._unsafeUnwrap().status?.phase).toBe('Terminating');
    const refused = (await configMaps().create({ metadata: { name: 'late', namespace: name } }))._unsafeUnwrapErr();
    expect(refused).toMatchObject({ kind: 'Forbidden' });
    expect(refused.message).toContain(`because it is being terminated`);
    await certs().patch('held', { type: 'merge', body: { metadata: { finalizers: null } } }, { namespace: name });
    await eventually(async () => (await namespaces().get(name)).isErr(), 10_000, 'the namespace to go');
  });
});
