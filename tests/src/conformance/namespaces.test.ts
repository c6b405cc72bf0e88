import { CertificateResource } from '@kubeception/sdk';
import { ConfigMapResource, NamespaceResource, type Namespace } from '@kubeception/sdk/kube';
import { beforeAll, describe, expect, it } from 'vitest';
import { appliesHere, VersionRules } from './lane/server.js';
import { rawRequest, type RawResponse } from './raw.js';
import { failure } from './status-body.js';
import { certificate, eventually, useTarget } from './target.js';

const { target, resource, ns } = useTarget('namespaces');

const namespaces = () => resource(NamespaceResource);
const certs = () => resource(CertificateResource);
const raw = (method: string, path: string, body?: unknown) => rawRequest(target().kubeConfig, method, path, { body });
const conditionsOf = (namespace: Namespace | undefined) =>
  (namespace?.status?.conditions ?? []).map(({ type, status, reason, message }) => ({ type, status, reason, message }));
const gone = (name: string) => async () =>
  (await namespaces().get(name)).match(
    () => false,
    (e) => e.kind === 'NotFound',
  );

/** The namespace controller's conditions while content remains (`remaining`) and once all is gone (`undefined`). */
function controllerConditions(remaining?: { resources: string; finalizers: string }) {
  const passed = [
    { type: 'NamespaceDeletionDiscoveryFailure', status: 'False', reason: 'ResourcesDiscovered', message: 'All resources successfully discovered' },
    {
      type: 'NamespaceDeletionGroupVersionParsingFailure',
      status: 'False',
      reason: 'ParsedGroupVersions',
      message: 'All legacy kube types successfully parsed',
    },
    {
      type: 'NamespaceDeletionContentFailure',
      status: 'False',
      reason: 'ContentDeleted',
      message: 'All content successfully deleted, may be waiting on finalization',
    },
  ];
  if (remaining === undefined)
    return [
      ...passed,
      { type: 'NamespaceContentRemaining', status: 'False', reason: 'ContentRemoved', message: 'All content successfully removed' },
      { type: 'NamespaceFinalizersRemaining', status: 'False', reason: 'ContentHasNoFinalizers', message: 'All content-preserving finalizers finished' },
    ];
  return [
    ...passed,
    { type: 'NamespaceContentRemaining', status: 'True', reason: 'SomeResourcesRemain', message: `Some resources are remaining: ${remaining.resources}` },
    {
      type: 'NamespaceFinalizersRemaining',
      status: 'True',
      reason: 'SomeFinalizersRemain',
      message: `Some content in the namespace has finalizers remaining: ${remaining.finalizers}`,
    },
  ];
}

describe('a new namespace', () => {
  it('is Active, with the kubernetes finalizer and (from 1.21) the kubernetes.io/metadata.name label', async () => {
    const name = `${ns()}-new`;
    const created = (await namespaces().create({ metadata: { name } }))._unsafeUnwrap();
    expect({ spec: created.spec, status: created.status }).toEqual({ spec: { finalizers: ['kubernetes'] }, status: { phase: 'Active' } });
    expect(created.metadata.labels).toEqual(appliesHere(VersionRules.namespaceNameLabel) ? undefined : { 'kubernetes.io/metadata.name': name });
    await namespaces().delete(name);
  });

  it('ignores spec.finalizers and status on update', async () => {
    const name = `${ns()}-upd`;
    (await namespaces().create({ metadata: { name } }))._unsafeUnwrap();
    const body = { spec: { finalizers: ['example.com/mine'] }, status: { phase: 'Terminating' } };
    const updated = (await namespaces().patch(name, { type: 'merge', body }))._unsafeUnwrap();
    expect({ spec: updated.spec, status: updated.status }).toEqual({ spec: { finalizers: ['kubernetes'] }, status: { phase: 'Active' } });
    await namespaces().delete(name);
  });

  it('refuses phase Terminating on /status while it is not being deleted (422)', async () => {
    const name = `${ns()}-st`;
    (await namespaces().create({ metadata: { name } }))._unsafeUnwrap();
    const answer = await raw('PUT', `/api/v1/namespaces/${name}/status`, { metadata: { name }, status: { phase: 'Terminating' } });
    expect(answer.status).toBe(422);
    expect(answer.json()).toMatchObject({
      reason: 'Invalid',
      message: `Namespace "${name}" is invalid: status.Phase: Invalid value: "Terminating": may only be 'Active' if \`deletionTimestamp\` is empty`,
      details: { name, kind: 'Namespace', causes: [{ reason: 'FieldValueInvalid', field: 'status.Phase' }] },
    });
    await namespaces().delete(name);
  });

  it('takes spec.finalizers from /finalize, refusing names that are neither standard nor qualified (422)', async () => {
    const name = `${ns()}-fin`;
    (await namespaces().create({ metadata: { name } }))._unsafeUnwrap();
    const set = await raw('PUT', `/api/v1/namespaces/${name}/finalize`, { metadata: { name }, spec: { finalizers: ['kubernetes', 'example.com/x'] } });
    expect(set.json()).toMatchObject({ spec: { finalizers: ['kubernetes', 'example.com/x'] }, status: { phase: 'Active' } });
    const refused = await raw('PUT', `/api/v1/namespaces/${name}/finalize`, { metadata: { name }, spec: { finalizers: ['bad'] } });
    expect(refused.status).toBe(422);
    expect(refused.json()).toMatchObject({
      message: `Namespace "${name}" is invalid: spec.finalizers[0]: Invalid value: "bad": name is neither a standard finalizer name nor is it fully qualified`,
      details: { causes: [{ reason: 'FieldValueInvalid', field: 'spec.finalizers[0]' }] },
    });
    await raw('PUT', `/api/v1/namespaces/${name}/finalize`, { metadata: { name }, spec: { finalizers: ['kubernetes'] } });
    await namespaces().delete(name);
  });

  it.each(['default', 'kube-system', 'kube-public'])('%s may not be deleted (403)', async (name) => {
    const answer = await raw('DELETE', `/api/v1/namespaces/${name}?dryRun=All`);
    expect({ status: answer.status, body: answer.json() }).toMatchObject({
      status: 403,
      body: { reason: 'Forbidden', message: `namespaces "${name}" is forbidden: this namespace may not be deleted`, details: { name, kind: 'namespaces' } },
    });
  });

  it('content cannot be created in a namespace that does not exist (404 naming the namespace)', async () => {
    const answer = await raw('POST', `/api/v1/namespaces/${ns()}-none/configmaps`, { metadata: { name: 'c' } });
    expect({ status: answer.status, body: answer.json() }).toEqual({
      status: 404,
      body: failure(404, 'NotFound', `namespaces "${ns()}-none" not found`, { name: `${ns()}-none`, kind: 'namespaces' }),
    });
  });
});

describe('a namespace deleted while content with a finalizer remains', () => {
  const name = () => `${ns()}-held`;
  let first: RawResponse;

  beforeAll(async () => {
    (await namespaces().create({ metadata: { name: name() } }))._unsafeUnwrap();
    (await certs().create(certificate('held', name(), { metadata: { finalizers: ['example.com/hold'] } })))._unsafeUnwrap();
    (await resource(ConfigMapResource).create({ metadata: { name: 'plain', namespace: name() } }))._unsafeUnwrap();
    first = await raw('DELETE', `/api/v1/namespaces/${name()}`);
  });

  it('answers the delete with 200 and the namespace Terminating, its finalizer kept', () => {
    expect(first.status).toBe(200);
    const body = first.json<Namespace>();
    expect({ kind: body.kind, spec: body.spec, status: body.status }).toEqual({
      kind: 'Namespace',
      spec: { finalizers: ['kubernetes'] },
      status: { phase: 'Terminating' },
    });
    expect(body.metadata?.deletionTimestamp).toEqual(expect.any(String));
  });

  it('answers a second delete with 200 and the namespace, still being deleted since the first', async () => {
    const again = await raw('DELETE', `/api/v1/namespaces/${name()}`);
    expect(again.status).toBe(200);
    expect(again.json<Namespace>().metadata?.deletionTimestamp).toBe(first.json<Namespace>().metadata?.deletionTimestamp);
  });

  it('deletes the content: what has no finalizer goes, what has one is kept with deletionTimestamp', async () => {
    await eventually(async () => (await certs().get('held', { namespace: name() }))._unsafeUnwrap().metadata.deletionTimestamp !== undefined, 15_000);
    await eventually(async () => (await resource(ConfigMapResource).get('plain', { namespace: name() })).isErr(), 15_000);
  });

  it('reports in its conditions what remains and which finalizers hold it', async () => {
    const expected = controllerConditions({
      resources: 'certificates.kubeception.io has 1 resource instances',
      finalizers: 'example.com/hold in 1 resource instances',
    });
    await eventually(async () => JSON.stringify(conditionsOf((await namespaces().get(name())).unwrapOr(undefined))) === JSON.stringify(expected), 15_000);
    expect((await namespaces().get(name()))._unsafeUnwrap().status?.phase).toBe('Terminating');
  });

  it('refuses new content with 403 Forbidden and the NamespaceTerminating cause', async () => {
    const answer = await raw('POST', `/api/v1/namespaces/${name()}/configmaps`, { metadata: { name: 'late' } });
    const why = `unable to create new content in namespace ${name()} because it is being terminated`;
    const causes = [{ reason: 'NamespaceTerminating', message: `namespace ${name()} is being terminated`, field: 'metadata.namespace' }];
    expect({ status: answer.status, body: answer.json() }).toEqual({
      status: 403,
      body: failure(403, 'Forbidden', `configmaps "late" is forbidden: ${why}`, { name: 'late', kind: 'configmaps', causes }),
    });
  });

  it('still lets the remaining content be updated', async () => {
    const labelled = await certs().patch('held', { type: 'merge', body: { metadata: { labels: { seen: 'yes' } } } }, { namespace: name() });
    expect(labelled._unsafeUnwrap().metadata.labels).toEqual({ seen: 'yes' });
  });

  it('is listed by fieldSelector status.phase=Terminating, not by status.phase=Active', async () => {
    const names = async (phase: string) =>
      (await namespaces().list({ fieldSelector: `status.phase=${phase}` }))._unsafeUnwrap().items.map((n) => n.metadata.name);
    expect(await names('Terminating')).toContain(name());
    expect(await names('Active')).not.toContain(name());
  });

  it('goes once the last finalizer of its content is removed', async () => {
    (await certs().patch('held', { type: 'merge', body: { metadata: { finalizers: null } } }, { namespace: name() }))._unsafeUnwrap();
    await eventually(gone(name()), 20_000, 'the namespace to go');
  });
});

describe('a namespace with a finalizer of its own', () => {
  it('stays Terminating once its content is gone, with the controller done, until /finalize drops the finalizer', async () => {
    const name = `${ns()}-own`;
    (await namespaces().create({ metadata: { name }, spec: { finalizers: ['kubernetes', 'example.com/ns-hold'] } }))._unsafeUnwrap();
    await namespaces().delete(name);
    await eventually(async () => (await namespaces().get(name))._unsafeUnwrap().spec?.finalizers?.join() === 'example.com/ns-hold', 20_000);
    expect(conditionsOf((await namespaces().get(name))._unsafeUnwrap())).toEqual(controllerConditions());
    const finalized = await raw('PUT', `/api/v1/namespaces/${name}/finalize`, { metadata: { name }, spec: { finalizers: [] } });
    expect(finalized.status).toBe(200);
    await eventually(gone(name), 10_000, 'the namespace to go');
  });

  it('a watch sees it go Terminating (MODIFIED) and then DELETED', async () => {
    const name = `${ns()}-watched`;
    const created = (await namespaces().create({ metadata: { name } }))._unsafeUnwrap();
    const events: { type: string; phase?: string }[] = [];
    const watched = (async () => {
      for await (const event of namespaces().watch({ fieldSelector: `metadata.name=${name}`, resourceVersion: created.metadata.resourceVersion })) {
        if (event.type === 'BOOKMARK' || event.type === 'ERROR') continue;
        events.push({ type: event.type, phase: event.object.status?.phase });
        if (event.type === 'DELETED') break;
      }
    })();
    await namespaces().delete(name);
    await watched;
    expect(events[0]).toEqual({ type: 'MODIFIED', phase: 'Terminating' });
    expect(events.at(-1)).toEqual({ type: 'DELETED', phase: 'Terminating' });
    expect(events.slice(1, -1).every((e) => e.type === 'MODIFIED')).toBe(true);
  });
});
