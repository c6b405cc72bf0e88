import { CertificateResource, type KubeObject } from '@kubeception/sdk';
import { ConfigMapResource } from '@kubeception/sdk/kube';
import { execFile, execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { stringify } from 'yaml';
import { appliesHere, VersionRules } from './lane/server.js';
import { rawRequest } from './raw.js';
import { failure } from './status-body.js';
import { certificate, useTarget } from './target.js';

const { target, resource, ns } = useTarget('server-side-apply');

const configMaps = () => resource(ConfigMapResource);
const certs = () => resource(CertificateResource);
const configMap = (name: string, data?: Record<string, string>) => ({
  apiVersion: 'v1',
  kind: 'ConfigMap',
  metadata: { name, namespace: ns() },
  ...(data ? { data } : {}),
});
const applyConfigMap = (name: string, manager: string, data?: Record<string, string>, force = false) =>
  configMaps().apply(configMap(name, data), { fieldManager: manager, force });
const certIntent = (name: string, spec: object = {}) => ({ ...certificate(name, ns()), spec: { ...certificate(name, ns()).spec, ...spec } });

/** managedFields as compared here: sorted by manager, times left out. */
function owners(object: KubeObject) {
  const entries = (object.metadata?.managedFields ?? []) as {
    manager: string;
    operation: string;
    apiVersion: string;
    fieldsV1: object;
    subresource?: string;
  }[];
  return entries
    .map(({ manager, operation, apiVersion, fieldsV1, subresource }) => ({ manager, operation, apiVersion, fieldsV1, ...(subresource ? { subresource } : {}) }))
    .sort((a, b) => a.manager.localeCompare(b.manager));
}
const entry = (manager: string, operation: 'Apply' | 'Update', fieldsV1: object, apiVersion = 'v1') => ({ manager, operation, apiVersion, fieldsV1 });
const DATA = (...keys: string[]) => ({ 'f:data': Object.fromEntries(keys.map((k) => [`f:${k}`, {}])) });

describe('conflicts', () => {
  it('with an Apply manager: 409 Conflict, one FieldManagerConflict cause per field and no name or kind', async () => {
    (await applyConfigMap('c1', 'alice', { a: '1', b: '1' }))._unsafeUnwrap();
    const error = (await applyConfigMap('c1', 'bob', { a: '2', b: '2' }))._unsafeUnwrapErr();
    expect(error.status).toEqual(
      failure(409, 'Conflict', 'Apply failed with 2 conflicts: conflicts with "alice":\n- .data.a\n- .data.b', {
        causes: [
          { reason: 'FieldManagerConflict', message: 'conflict with "alice"', field: '.data.a' },
          { reason: 'FieldManagerConflict', message: 'conflict with "alice"', field: '.data.b' },
        ],
      }),
    );
  });

  it('with an Update manager: the cause names the API version it wrote with', async () => {
    (await configMaps().create(configMap('c2', { a: '1' }), { fieldManager: 'carol' }))._unsafeUnwrap();
    const error = (await applyConfigMap('c2', 'bob', { a: '2' }))._unsafeUnwrapErr();
    expect(error.status).toMatchObject({
      message: 'Apply failed with 1 conflict: conflict with "carol" using v1: .data.a',
      details: { causes: [{ reason: 'FieldManagerConflict', message: 'conflict with "carol" using v1', field: '.data.a' }] },
    });
  });

  it('on a custom object: the cause names the field path in its spec', async () => {
    (await certs().apply(certIntent('c3', { commonName: 'alice.cn' }), { fieldManager: 'alice' }))._unsafeUnwrap();
    const error = (await certs().apply(certIntent('c3', { commonName: 'bob.cn' }), { fieldManager: 'bob' }))._unsafeUnwrapErr();
    expect({ code: error.code, message: error.message, details: error.status?.details }).toEqual({
      code: 409,
      message: 'Apply failed with 1 conflict: conflict with "alice": .spec.commonName',
      details: { causes: [{ reason: 'FieldManagerConflict', message: 'conflict with "alice"', field: '.spec.commonName' }] },
    });
  });

  it('force takes the conflicting fields: the other manager keeps only the rest', async () => {
    (await applyConfigMap('c4', 'alice', { a: '1', b: '1' }))._unsafeUnwrap();
    const forced = (await applyConfigMap('c4', 'bob', { a: '2' }, true))._unsafeUnwrap();
    expect(forced.data).toEqual({ a: '2', b: '1' });
    expect(owners(forced)).toEqual([entry('alice', 'Apply', DATA('b')), entry('bob', 'Apply', DATA('a'))]);
  });

  it('the same value applied by two managers is shared without conflict, and stays while one of them still applies it', async () => {
    (await applyConfigMap('c5', 'alice', { a: '1', b: '1' }))._unsafeUnwrap();
    (await applyConfigMap('c5', 'bob', { a: '1' }))._unsafeUnwrap();
    const dropped = (await applyConfigMap('c5', 'alice', { b: '1' }))._unsafeUnwrap();
    expect(dropped.data).toEqual({ a: '1', b: '1' });
    expect(owners(dropped)).toEqual([entry('alice', 'Apply', DATA('b')), entry('bob', 'Apply', DATA('a'))]);
  });
});

describe('managedFields', () => {
  it('a create is an Update entry, its maps marked with "."', async () => {
    const created = (
      await configMaps().create({ ...configMap('m1', { a: '1' }), metadata: { name: 'm1', namespace: ns(), labels: { x: '1' } } }, { fieldManager: 'carol' })
    )._unsafeUnwrap();
    expect(owners(created)).toEqual([entry('carol', 'Update', { 'f:data': { '.': {}, 'f:a': {} }, 'f:metadata': { 'f:labels': { '.': {}, 'f:x': {} } } })]);
  });

  it('an apply is an Apply entry of the applied fields only; it answers 201 when it creates and 200 after', async () => {
    const path = `/api/v1/namespaces/${ns()}/configmaps/m2?fieldManager=alice`;
    const send = (data: Record<string, string>) =>
      rawRequest(target().kubeConfig, 'PATCH', path, { body: configMap('m2', data), contentType: 'application/apply-patch+yaml' });
    expect((await send({ a: '1' })).status).toBe(201);
    const again = await send({ a: '1', b: '1' });
    expect(again.status).toBe(200);
    expect(owners(again.json<KubeObject>())).toEqual([entry('alice', 'Apply', DATA('a', 'b'))]);
  });

  it('an update that changes an applied field takes it; an applier left with nothing is dropped', async () => {
    (await applyConfigMap('m3', 'alice', { a: '1' }))._unsafeUnwrap();
    const taken = (await configMaps().patch('m3', { type: 'merge', body: { data: { a: '2' } } }, { namespace: ns(), fieldManager: 'dave' }))._unsafeUnwrap();
    expect(owners(taken)).toEqual([entry('dave', 'Update', DATA('a'))]);
  });

  it('an empty apply removes the manager, and the fields it alone owned', async () => {
    (await applyConfigMap('m4', 'alice', { a: '1', b: '1' }))._unsafeUnwrap();
    (await configMaps().patch('m4', { type: 'merge', body: { data: { c: '1' } } }, { namespace: ns(), fieldManager: 'carol' }))._unsafeUnwrap();
    const emptied = (await applyConfigMap('m4', 'alice'))._unsafeUnwrap();
    expect(emptied.data).toEqual({ c: '1' });
    expect(owners(emptied)).toEqual([entry('carol', 'Update', DATA('c'))]);
  });

  it('an apply of a custom object owns what it applied, not the defaults the server filled in', async () => {
    const applied = (await certs().apply(certIntent('m5'), { fieldManager: 'alice' }))._unsafeUnwrap();
    expect(applied.spec.ttl).toBe('72h');
    const spec = { 'f:clusterRef': { 'f:name': {} }, 'f:commonName': {}, 'f:component': {}, 'f:role': {} };
    expect(owners(applied)).toEqual([entry('alice', 'Apply', { 'f:spec': spec }, 'kubeception.io/v1alpha1')]);
  });

  it('a status update is an entry of its own (marked subresource: status from 1.22), which a status apply conflicts with', async () => {
    (await certs().create(certificate('m6', ns())))._unsafeUnwrap();
    const updated = (
      await certs().patchStatus('m6', { type: 'merge', body: { status: { serialNumber: '01' } } }, { namespace: ns(), fieldManager: 'st' })
    )._unsafeUnwrap();
    const status = entry('st', 'Update', { 'f:status': { '.': {}, 'f:serialNumber': {} } }, 'kubeception.io/v1alpha1');
    expect(owners(updated).find((o) => o.manager === 'st')).toEqual(
      appliesHere(VersionRules.managedFieldsSubresource) ? status : { ...status, subresource: 'status' },
    );
    const path = `/apis/kubeception.io/v1alpha1/namespaces/${ns()}/certificates/m6/status?fieldManager=sa`;
    const body = { apiVersion: 'kubeception.io/v1alpha1', kind: 'Certificate', metadata: { name: 'm6' }, status: { serialNumber: '02' } };
    const answer = await rawRequest(target().kubeConfig, 'PATCH', path, { body, contentType: 'application/apply-patch+yaml' });
    expect({ status: answer.status, message: answer.json().message }).toEqual({
      status: 409,
      message: 'Apply failed with 1 conflict: conflict with "st" using kubeception.io/v1alpha1: .status.serialNumber',
    });
  });
});

const hasKubectl = (() => {
  try {
    execFileSync('kubectl', ['version', '--client'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
})();

describe.skipIf(!hasKubectl)('kubectl apply, then kubectl apply --server-side (the client-side apply migration)', () => {
  let dir: string;
  const kubectl = async (...args: string[]) => {
    const { stdout, stderr } = await promisify(execFile)('kubectl', ['--kubeconfig', join(dir, 'kubeconfig'), '--cache-dir', join(dir, 'cache'), ...args]);
    return { stdout, stderr };
  };
  const both = async (file: string, object: object) => {
    writeFileSync(join(dir, file), stringify(object));
    const clientSide = await kubectl('apply', '-f', join(dir, file));
    const serverSide = await kubectl('apply', '--server-side', '-f', join(dir, file));
    return [clientSide, serverSide];
  };
  const LAST_APPLIED = entry('kubectl-last-applied', 'Apply', {
    'f:metadata': { 'f:annotations': { 'f:kubectl.kubernetes.io/last-applied-configuration': {} } },
  });

  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'conformance-kubectl-'));
    writeFileSync(join(dir, 'kubeconfig'), target().kubeConfig.exportConfig());
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('keeps the data of a ConfigMap and hands its fields to the kubectl Apply manager', async () => {
    expect(await both('cm.yaml', configMap('migrated', { a: '1', b: '2' }))).toEqual([
      { stdout: 'configmap/migrated created\n', stderr: '' },
      { stdout: 'configmap/migrated serverside-applied\n', stderr: '' },
    ]);
    const migrated = (await configMaps().get('migrated', { namespace: ns() }))._unsafeUnwrap();
    expect(migrated.data).toEqual({ a: '1', b: '2' });
    expect(owners(migrated)).toEqual([entry('kubectl', 'Apply', DATA('a', 'b')), LAST_APPLIED]);
  });

  it('keeps the spec of a custom object, and the re-apply after the migration succeeds', async () => {
    expect(await both('cert.yaml', certificate('migrated', ns()))).toEqual([
      { stdout: 'certificate.kubeception.io/migrated created\n', stderr: '' },
      { stdout: 'certificate.kubeception.io/migrated serverside-applied\n', stderr: '' },
    ]);
    const migrated = (await certs().get('migrated', { namespace: ns() }))._unsafeUnwrap();
    expect(migrated.spec).toMatchObject({ clusterRef: { name: 'demo' }, commonName: 'api.demo', component: 'api', role: 'api', ttl: '72h' });
    const spec = { 'f:clusterRef': { 'f:name': {} }, 'f:commonName': {}, 'f:component': {}, 'f:role': {} };
    expect(owners(migrated)).toEqual([
      entry('kubectl', 'Apply', { 'f:spec': spec }, 'kubeception.io/v1alpha1'),
      { ...LAST_APPLIED, apiVersion: 'kubeception.io/v1alpha1' },
    ]);
  });
});
