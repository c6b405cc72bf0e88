import { CertificateResource, type Certificate, type CertificateInput } from '@kubeception/sdk';
import { ConfigMapResource, type ResourceClient } from '@kubeception/sdk/kube';
import { beforeAll, describe, expect, it } from 'vitest';
import { certificate, useTarget } from './target.js';

const { resource, ns } = useTarget('objects');
let certs: ResourceClient<Certificate, CertificateInput>;
beforeAll(() => {
  certs = resource(CertificateResource);
});

describe('create and get', () => {
  it('sets uid, creationTimestamp, resourceVersion and generation 1', async () => {
    const created = (await certs.create(certificate('c1', ns())))._unsafeUnwrap();
    expect(created.metadata).toMatchObject({ name: 'c1', namespace: ns(), generation: 1 });
    expect(created.metadata.uid).toMatch(/^[0-9a-f-]{36}$/);
    expect(Date.parse(created.metadata.creationTimestamp)).not.toBeNaN();
    expect(created.metadata.resourceVersion).toMatch(/^\d+$/);
    expect((await certs.get('c1', { namespace: ns() }))._unsafeUnwrap()).toEqual(created);
  });

  it('applies schema defaults', async () => {
    const created = (await certs.create(certificate('c-defaults', ns())))._unsafeUnwrap();
    expect(created.spec).toMatchObject({ ttl: '72h', dnsNames: [], ipAddresses: [], organizations: [] });
  });

  it('answers AlreadyExists for a second create', async () => {
    await certs.create(certificate('dup', ns()));
    const error = (await certs.create(certificate('dup', ns())))._unsafeUnwrapErr();
    expect(error).toMatchObject({ kind: 'AlreadyExists', code: 409, message: 'certificates.kubeception.io "dup" already exists' });
  });

  it('answers NotFound for a missing object', async () => {
    const error = (await certs.get('missing', { namespace: ns() }))._unsafeUnwrapErr();
    expect(error).toMatchObject({ kind: 'NotFound', code: 404, message: 'certificates.kubeception.io "missing" not found' });
  });

  it('names objects from generateName', async () => {
    const created = (await certs.create({ ...certificate('', ns()), metadata: { generateName: 'gen-', namespace: ns() } }))._unsafeUnwrap();
    expect(created.metadata.name).toMatch(/^gen-[a-z0-9]{5}$/);
  });

  it('refuses objects in a namespace that does not exist', async () => {
    const error = (await certs.create(certificate('x', 'no-such-namespace')))._unsafeUnwrapErr();
    expect(error).toMatchObject({ kind: 'NotFound', message: 'namespaces "no-such-namespace" not found' });
  });

  it('hands out increasing resourceVersions', async () => {
    const a = (await certs.create(certificate('rv-a', ns())))._unsafeUnwrap();
    const b = (await certs.create(certificate('rv-b', ns())))._unsafeUnwrap();
    expect(BigInt(b.metadata.resourceVersion)).toBeGreaterThan(BigInt(a.metadata.resourceVersion));
  });
});

describe('update', () => {
  it('bumps resourceVersion and generation on a spec change', async () => {
    const created = (await certs.create(certificate('u1', ns())))._unsafeUnwrap();
    const updated = (await certs.replace({ ...created, spec: { ...created.spec, commonName: 'changed' } }))._unsafeUnwrap();
    expect(updated.metadata.generation).toBe(2);
    expect(updated.metadata.resourceVersion).not.toBe(created.metadata.resourceVersion);
  });

  it('does not bump generation for a metadata-only change', async () => {
    const created = (await certs.create(certificate('u2', ns())))._unsafeUnwrap();
    const updated = (await certs.replace({ ...created, metadata: { ...created.metadata, labels: { a: 'b' } } }))._unsafeUnwrap();
    expect(updated.metadata.generation).toBe(1);
    expect(updated.metadata.labels).toEqual({ a: 'b' });
  });

  it('answers Conflict for a stale resourceVersion', async () => {
    const created = (await certs.create(certificate('u3', ns())))._unsafeUnwrap();
    (await certs.replace({ ...created, spec: { ...created.spec, commonName: 'first' } }))._unsafeUnwrap();
    const error = (await certs.replace({ ...created, spec: { ...created.spec, commonName: 'second' } }))._unsafeUnwrapErr();
    expect(error).toMatchObject({
      kind: 'Conflict',
      message:
        'Operation cannot be fulfilled on certificates.kubeception.io "u3": the object has been modified; please apply your changes to the latest version and try again',
    });
  });

  it('refuses an update without resourceVersion of a custom resource (its strategy allows no unconditional update)', async () => {
    const created = (await certs.create(certificate('u4', ns())))._unsafeUnwrap();
    const { resourceVersion: _rv, ...metadata } = created.metadata;
    const error = (await certs.replace({ ...created, metadata, spec: { ...created.spec, commonName: 'x' } } as never))._unsafeUnwrapErr();
    expect(error).toMatchObject({
      kind: 'Invalid',
      code: 422,
      message: 'certificates.kubeception.io "u4" is invalid: metadata.resourceVersion: Invalid value: 0x0: must be specified for an update',
    });
    expect(error.kind === 'Invalid' && error.causes).toEqual([
      { reason: 'FieldValueInvalid', message: 'Invalid value: 0x0: must be specified for an update', field: 'metadata.resourceVersion' },
    ]);
  });

  it('allows an unconditional update without resourceVersion of a ConfigMap', async () => {
    const configMaps = resource(ConfigMapResource);
    const created = (await configMaps.create({ metadata: { name: 'u4', namespace: ns() }, data: { a: '1' } }))._unsafeUnwrap();
    const { resourceVersion: _rv, ...metadata } = created.metadata;
    const updated = (await configMaps.replace({ ...created, metadata, data: { a: '2' } } as never))._unsafeUnwrap();
    expect(updated.data).toEqual({ a: '2' });
    expect(updated.metadata.resourceVersion).not.toBe(created.metadata.resourceVersion);
  });

  it('writes nothing for a no-op update: resourceVersion stays', async () => {
    const created = (await certs.create(certificate('u5', ns())))._unsafeUnwrap();
    const same = (await certs.replace(created))._unsafeUnwrap();
    expect(same.metadata.resourceVersion).toBe(created.metadata.resourceVersion);
    const patched = (await certs.patch('u5', { type: 'merge', body: { spec: { commonName: created.spec.commonName } } }, { namespace: ns() }))._unsafeUnwrap();
    expect(patched.metadata.resourceVersion).toBe(created.metadata.resourceVersion);
  });

  it('answers NotFound when replacing a missing object', async () => {
    expect((await certs.replace(certificate('never', ns()) as never))._unsafeUnwrapErr().kind).toBe('NotFound');
  });

  it('keeps uid and creationTimestamp when an update omits them', async () => {
    const created = (await certs.create(certificate('u6', ns())))._unsafeUnwrap();
    const { uid: _uid, creationTimestamp: _ts, ...metadata } = created.metadata;
    const updated = (await certs.replace({ ...created, metadata: { ...metadata, labels: { x: 'y' } } } as never))._unsafeUnwrap();
    expect(updated.metadata).toMatchObject({ uid: created.metadata.uid, creationTimestamp: created.metadata.creationTimestamp });
  });
});

describe('status subresource', () => {
  it('ignores status sent to the main endpoint', async () => {
    const created = (await certs.create(certificate('s1', ns())))._unsafeUnwrap();
    const updated = (await certs.replace({ ...created, status: { serialNumber: 'aa' } }))._unsafeUnwrap();
    expect(updated.status).toBeUndefined();
  });

  it('changes only status through /status, without bumping generation', async () => {
    const created = (await certs.create(certificate('s2', ns())))._unsafeUnwrap();
    const updated = (
      await certs.replaceStatus({ ...created, spec: { ...created.spec, commonName: 'ignored' }, status: { serialNumber: 'aa' } })
    )._unsafeUnwrap();
    expect(updated.status).toEqual({ serialNumber: 'aa' });
    expect(updated.spec.commonName).toBe('api.demo');
    expect(updated.metadata.generation).toBe(1);
  });

  it('merge-patches status', async () => {
    await certs.create(certificate('s3', ns()));
    const patched = (await certs.patchStatus('s3', { type: 'merge', body: { status: { serialNumber: 'bb' } } }, { namespace: ns() }))._unsafeUnwrap();
    expect(patched.status?.serialNumber).toBe('bb');
  });

  it('answers Conflict on a stale status update', async () => {
    const created = (await certs.create(certificate('s4', ns())))._unsafeUnwrap();
    (await certs.replace({ ...created, metadata: { ...created.metadata, labels: { v: '2' } } }))._unsafeUnwrap();
    expect((await certs.replaceStatus({ ...created, status: { serialNumber: 'x' } }))._unsafeUnwrapErr().kind).toBe('Conflict');
  });
});

describe('concurrent writers', () => {
  it('10 writers × 100 updates: every success has its own resourceVersion, losers get Conflict', async () => {
    const configMaps = resource(ConfigMapResource);
    (await configMaps.create({ metadata: { name: 'counter', namespace: ns() }, data: { n: '0' } }))._unsafeUnwrap();
    const versions: string[] = [];
    let conflicts = 0;
    const writer = async () => {
      for (let done = 0; done < 100;) {
        const current = (await configMaps.get('counter', { namespace: ns() }))._unsafeUnwrap();
        const next = { ...current, data: { n: String(Number(current.data?.n) + 1) } };
        const result = await configMaps.replace(next);
        if (result.isOk()) {
          versions.push(result.value.metadata.resourceVersion);
          done++;
        } else {
          expect(result.error.kind).toBe('Conflict');
          conflicts++;
        }
      }
    };
    await Promise.all(Array.from({ length: 10 }, writer));
    expect(new Set(versions).size).toBe(1000);
    expect((await configMaps.get('counter', { namespace: ns() }))._unsafeUnwrap().data?.n).toBe('1000');
    expect(conflicts).toBeGreaterThan(0);
  }, 60_000);
});
