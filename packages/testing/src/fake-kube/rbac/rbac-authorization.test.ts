/**
 * A fake that authorizes with RBAC (`authorization: 'RBAC'`), over HTTPS with client
 * certificates: what the conformance suite (tests/src/conformance/rbac.test.ts) does not check
 * on both servers — the option's requirements, the request log, patches that create, changes only
 * the garbage collector makes, and in-process clients.
 */
import { ConfigMapResource, createKubeClient, kubeConfigFromCertificate, RoleBindingResource, RoleResource, type KubeClient } from '@kubeception/sdk/kube';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startFakeKube, type FakeKube } from '../server.js';
import { binding, role } from './test-support.js';

let kube: FakeKube;
let admin: KubeClient;
beforeAll(async () => {
  kube = await startFakeKube({ tls: true, clientCertificates: true, authorization: 'RBAC', namespaces: ['default', 'ns'] });
  admin = createKubeClient({ kubeConfig: kube.kubeConfig, qps: 0, retry: { maxAttempts: 1 } });
});
afterAll(() => kube.stop());

/** A client of user `name`. */
async function clientOf(name: string, groups: string[] = []): Promise<KubeClient> {
  const cert = await kube.issueClientCertificate(name, groups);
  const kubeConfig = kubeConfigFromCertificate({ server: kube.url, caPem: kube.caCertificate!, certPem: cert.certificate, keyPem: cert.privateKey, name });
  return createKubeClient({ kubeConfig, qps: 0, retry: { maxAttempts: 1 } });
}

/** Grants `user` the rules in namespace ns, through Role and RoleBinding `name`. */
async function grant(name: string, user: string, rules: object[]): Promise<void> {
  (await admin.resource(RoleResource).create(role(name, rules, 'ns') as never))._unsafeUnwrap();
  (await admin.resource(RoleBindingResource).create(binding(name, `Role:${name}`, [`User:${user}`], 'ns') as never))._unsafeUnwrap();
}

const configMap = (name: string) => ({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name, namespace: 'ns' } });

describe('a fake authorizing with RBAC', () => {
  it('needs client certificates, whose users it authorizes', async () => {
    await expect(startFakeKube({ tls: true, authorization: 'RBAC' })).rejects.toThrow(/authorization needs clientCertificates/);
  });

  it('records refused requests with their user and 403, and serves its own kubeconfig (system:masters) everything', async () => {
    const carol = await clientOf('carol');
    kube.requests.clear();
    expect((await carol.resource(ConfigMapResource).list({ namespace: 'ns' }))._unsafeUnwrapErr().code).toBe(403);
    expect((await admin.resource(ConfigMapResource).list({ namespace: 'ns' })).isOk()).toBe(true);
    expect(kube.requests.filter({ resource: 'configmaps' }).map((r) => [r.user, r.verb, r.code])).toEqual([
      ['carol', 'list', 403],
      ['kubernetes-admin', 'list', 200],
    ]);
  });

  it('asks for create as well when a patch creates its object (server-side apply)', async () => {
    const dave = await clientOf('dave');
    await grant('patcher', 'dave', [{ verbs: ['patch'], apiGroups: [''], resources: ['configmaps'] }]);
    const refused = (await dave.resource(ConfigMapResource).apply(configMap('new') as never, { fieldManager: 'dave' }))._unsafeUnwrapErr();
    expect(refused.status).toMatchObject({
      code: 403,
      reason: 'Forbidden',
      message: 'configmaps "new" is forbidden: ',
      details: { name: 'new', kind: 'configmaps' },
    });
    (await admin.resource(ConfigMapResource).create(configMap('old') as never))._unsafeUnwrap();
    expect((await dave.resource(ConfigMapResource).apply({ ...configMap('old'), data: { a: 'b' } } as never, { fieldManager: 'dave' })).isOk()).toBe(true);
  });

  it('lets the holder of update on bindings change only their owner references and finalizers without holding the role', async () => {
    const erin = await clientOf('erin');
    await grant('binding-editor', 'erin', [{ verbs: ['get', 'update', 'patch'], apiGroups: ['rbac.authorization.k8s.io'], resources: ['rolebindings'] }]);
    (await admin.resource(RoleBindingResource).create(binding('powerful', 'ClusterRole:cluster-admin', ['User:frank'], 'ns') as never))._unsafeUnwrap();
    const bindings = erin.resource(RoleBindingResource);
    const gc = await bindings.patch('powerful', { type: 'merge', body: { metadata: { finalizers: ['example.com/hold'] } } }, { namespace: 'ns' });
    expect(gc._unsafeUnwrap().metadata.finalizers).toEqual(['example.com/hold']);
    const label = (await bindings.patch('powerful', { type: 'merge', body: { metadata: { labels: { a: 'b' } } } }, { namespace: 'ns' }))._unsafeUnwrapErr();
    expect(label.message).toMatch(
      /^rolebindings\.rbac\.authorization\.k8s\.io "powerful" is forbidden: user "erin" .* is attempting to grant RBAC permissions not currently held/,
    );
    (
      await admin.resource(RoleBindingResource).patch('powerful', { type: 'merge', body: { metadata: { finalizers: null } } }, { namespace: 'ns' })
    )._unsafeUnwrap();
  });

  it('does not authorize in-process clients (the fake’s own components)', async () => {
    (
      await kube
        .localClient()
        .resource(RoleResource)
        .create(role('local', [{ verbs: ['*'], apiGroups: ['*'], resources: ['*'] }], 'ns') as never)
    )._unsafeUnwrap();
    expect((await kube.localClient().resource(ConfigMapResource).list({ namespace: 'ns' })).isOk()).toBe(true);
  });
});
