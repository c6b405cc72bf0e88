import { CertificateResource } from '@kubeception/sdk';
import { DeploymentResource, type JsonPatchOperation } from '@kubeception/sdk/kube';
import { describe, expect, it } from 'vitest';
import { deployment as workload } from './deployment.js';
import { certificate, useTarget } from './target.js';

const { resource, ns } = useTarget('patch');

const certs = () => resource(CertificateResource);
const deployments = () => resource(DeploymentResource);
/** A JSON patch of the Certificate `name`. */
const jsonPatch = (name: string, ...ops: JsonPatchOperation[]) => certs().patch(name, { type: 'json', ops }, { namespace: ns() });

const deployment = (name: string) => workload(name, ns());

describe('merge patch (RFC 7396)', () => {
  it('sets, replaces and removes fields', async () => {
    await certs().create(certificate('m1', ns(), { spec: { dnsNames: ['a', 'b'] }, metadata: { labels: { keep: '1', drop: '1' } } }));
    const patched = (
      await certs().patch('m1', { type: 'merge', body: { metadata: { labels: { drop: null, add: '1' } }, spec: { dnsNames: ['c'] } } }, { namespace: ns() })
    )._unsafeUnwrap();
    expect(patched.metadata.labels).toEqual({ keep: '1', add: '1' });
    expect(patched.spec.dnsNames).toEqual(['c']);
  });

  it('answers NotFound for a missing object', async () => {
    expect((await certs().patch('none', { type: 'merge', body: {} }, { namespace: ns() }))._unsafeUnwrapErr().kind).toBe('NotFound');
  });

  it('validates the result against the schema', async () => {
    await certs().create(certificate('m2', ns()));
    const error = (await certs().patch('m2', { type: 'merge', body: { spec: { component: 'Not Valid' } } }, { namespace: ns() }))._unsafeUnwrapErr();
    expect(error).toMatchObject({ kind: 'Invalid' });
    expect(error.kind === 'Invalid' && error.causes.map((c) => c.field)).toEqual(['spec.component']);
  });
});

describe('JSON patch (RFC 6902)', () => {
  it('applies operations in order', async () => {
    await certs().create(certificate('j1', ns(), { spec: { dnsNames: ['a'] } }));
    const patched = (
      await jsonPatch('j1', { op: 'add', path: '/spec/dnsNames/-', value: 'b' }, { op: 'replace', path: '/spec/commonName', value: 'cn' })
    )._unsafeUnwrap();
    expect(patched.spec).toMatchObject({ dnsNames: ['a', 'b'], commonName: 'cn' });
  });

  it('is refused whole when a test operation fails', async () => {
    await certs().create(certificate('j2', ns()));
    const result = await jsonPatch('j2', { op: 'replace', path: '/spec/commonName', value: 'x' }, { op: 'test', path: '/spec/role', value: 'other' });
    expect(result.isErr()).toBe(true);
    expect((await certs().get('j2', { namespace: ns() }))._unsafeUnwrap().spec.commonName).toBe('api.demo');
  });

  it('can guard on resourceVersion with a test operation', async () => {
    const created = (await certs().create(certificate('j3', ns())))._unsafeUnwrap();
    await certs().patch('j3', { type: 'merge', body: { metadata: { labels: { bump: '1' } } } }, { namespace: ns() });
    const stale = await jsonPatch(
      'j3',
      { op: 'test', path: '/metadata/resourceVersion', value: created.metadata.resourceVersion },
      { op: 'replace', path: '/spec/commonName', value: 'x' },
    );
    expect(stale.isErr()).toBe(true);
  });
});

describe('strategic merge patch', () => {
  it('merges containers by name and env by name, new items of the patch before those only the server had', async () => {
    (await deployments().create(deployment('smp')))._unsafeUnwrap();
    const patch = {
      spec: {
        template: {
          spec: {
            containers: [
              { name: 'a', env: [{ name: 'Y', value: '3' }] },
              { name: 'c', image: 'c:1' },
            ],
          },
        },
      },
    };
    const patched = (await deployments().patch('smp', { type: 'strategic', body: patch }, { namespace: ns() }))._unsafeUnwrap();
    const containers = patched.spec?.template.spec?.containers ?? [];
    // strategicpatch's normalizeElementOrder: c (patch) is not in the live list, so b (server only) cannot go before it
    expect(containers.map((c) => [c.name, c.image])).toEqual([
      ['a', 'a:1'],
      ['c', 'c:1'],
      ['b', 'b:1'],
    ]);
    expect(containers[0]?.env).toEqual([
      { name: 'X', value: '1' },
      { name: 'Y', value: '3' },
    ]);
  });

  it('deletes a list element with $patch: delete', async () => {
    (await deployments().create(deployment('smp-del')))._unsafeUnwrap();
    const patch = { spec: { template: { spec: { containers: [{ name: 'b', $patch: 'delete' }] } } } };
    const patched = (await deployments().patch('smp-del', { type: 'strategic', body: patch }, { namespace: ns() }))._unsafeUnwrap();
    expect(patched.spec?.template.spec?.containers.map((c) => c.name)).toEqual(['a']);
  });

  it('bumps generation of a Deployment on a template change only', async () => {
    (await deployments().create(deployment('smp-gen')))._unsafeUnwrap();
    const labelled = (
      await deployments().patch('smp-gen', { type: 'strategic', body: { metadata: { labels: { x: '1' } } } }, { namespace: ns() })
    )._unsafeUnwrap();
    expect(labelled.metadata.generation).toBe(1);
    const changed = (await deployments().patch('smp-gen', { type: 'strategic', body: { spec: { replicas: 3 } } }, { namespace: ns() }))._unsafeUnwrap();
    expect(changed.metadata.generation).toBe(2);
  });
});

describe('server-side apply', () => {
  const intent = (name: string, spec: object) => ({ ...certificate(name, ns()), spec: { ...certificate(name, ns()).spec, ...spec } });

  it('creates the object and records the manager', async () => {
    const applied = (await certs().apply(intent('a1', {}), { fieldManager: 'alice' }))._unsafeUnwrap();
    const managers = (applied.metadata.managedFields as { manager: string; operation: string }[]).map((m) => [m.manager, m.operation]);
    expect(managers).toEqual([['alice', 'Apply']]);
  });

  it('updates fields the manager owns, and removes fields it stops applying', async () => {
    await certs().apply(intent('a2', { dnsNames: ['x'], organizations: ['o'] }), { fieldManager: 'alice' });
    const applied = (await certs().apply(intent('a2', { dnsNames: ['y'] }), { fieldManager: 'alice' }))._unsafeUnwrap();
    expect(applied.spec.dnsNames).toEqual(['y']);
    expect(applied.spec.organizations).toEqual([]); // dropped from the intent, back to its default
  });

  it('answers Conflict when another manager owns a field with a different value', async () => {
    await certs().apply(intent('a3', { commonName: 'alice.cn' }), { fieldManager: 'alice' });
    const error = (await certs().apply(intent('a3', { commonName: 'bob.cn' }), { fieldManager: 'bob' }))._unsafeUnwrapErr();
    expect(error.kind).toBe('Conflict');
    expect(error.message).toContain('conflict with "alice"');
    expect(error.message).toContain('.spec.commonName');
  });

  it('shares ownership when the values agree', async () => {
    await certs().apply(intent('a4', { commonName: 'same' }), { fieldManager: 'alice' });
    expect((await certs().apply(intent('a4', { commonName: 'same' }), { fieldManager: 'bob' })).isOk()).toBe(true);
  });

  it('takes ownership with force', async () => {
    await certs().apply(intent('a5', { commonName: 'alice.cn' }), { fieldManager: 'alice' });
    const forced = (await certs().apply(intent('a5', { commonName: 'bob.cn' }), { fieldManager: 'bob', force: true }))._unsafeUnwrap();
    expect(forced.spec.commonName).toBe('bob.cn');
    expect((await certs().apply(intent('a5', { commonName: 'alice.again' }), { fieldManager: 'alice' }))._unsafeUnwrapErr().kind).toBe('Conflict');
  });

  it('is a no-op write when applying the same intent twice', async () => {
    const first = (await certs().apply(intent('a6', {}), { fieldManager: 'alice' }))._unsafeUnwrap();
    const second = (await certs().apply(intent('a6', {}), { fieldManager: 'alice' }))._unsafeUnwrap();
    expect(second.metadata.resourceVersion).toBe(first.metadata.resourceVersion);
  });

  it('records an Update manager for non-apply writes', async () => {
    await certs().apply(intent('a7', {}), { fieldManager: 'alice' });
    const patched = (
      await certs().patch('a7', { type: 'merge', body: { spec: { dnsNames: ['z'] } } }, { namespace: ns(), fieldManager: 'carol' })
    )._unsafeUnwrap();
    const managers = (patched.metadata.managedFields as { manager: string; operation: string }[]).map((m) => `${m.manager}/${m.operation}`);
    expect(managers.sort()).toEqual(['alice/Apply', 'carol/Update']);
  });
});
