/**
 * `applyObjects` under RBAC's escalation check, as the kvm-operator meets it: a writer that may not
 * `bind` Roles can bind one only once it exists (the server reads it to check the writer holds
 * its permissions). Against the fake API server authorizing with RBAC, with the Role's write slowed.
 */
import { ClusterRoleBindingResource, ClusterRoleResource, createKubeClient, kubeConfigFromCertificate, type KubeClient } from '@kubeception/sdk/kube';
import { startFakeKube, type FakeKube } from '@kubeception/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { renderRole, renderRoleBinding, renderServiceAccount } from '../render/rbac.js';
import { renderBootConfigMap } from '../render/boot-config.js';
import { nodeList } from '../render/nodes.js';
import { sampleCluster } from '../render/test-fixtures.js';
import { applyObjects } from './apply.js';

const RBAC = 'rbac.authorization.k8s.io';
/** What the writer may do: write the objects, and hold what Role `vm` grants (no `bind`, no `escalate`). */
const WRITER_RULES = [
  { apiGroups: [RBAC], resources: ['roles', 'rolebindings'], verbs: ['create', 'patch'] },
  { apiGroups: [''], resources: ['serviceaccounts', 'configmaps'], verbs: ['create', 'patch'] },
  { apiGroups: [''], resources: ['configmaps', 'pods'], verbs: ['get', 'patch'] },
];

let kube: FakeKube;
let writer: KubeClient;
const cluster = sampleCluster();

beforeAll(async () => {
  kube = await startFakeKube({ tls: true, clientCertificates: true, authorization: 'RBAC', namespaces: ['default', cluster.id] });
  const admin = createKubeClient({ kubeConfig: kube.kubeConfig, qps: 0 });
  (
    await admin.resource(ClusterRoleResource).create({ apiVersion: `${RBAC}/v1`, kind: 'ClusterRole', metadata: { name: 'writer' }, rules: WRITER_RULES })
  )._unsafeUnwrap();
  const binding = { apiGroup: RBAC, kind: 'ClusterRole', name: 'writer' };
  const subjects = [{ apiGroup: RBAC, kind: 'User', name: 'writer' }];
  (
    await admin
      .resource(ClusterRoleBindingResource)
      .create({ apiVersion: `${RBAC}/v1`, kind: 'ClusterRoleBinding', metadata: { name: 'writer' }, roleRef: binding, subjects })
  )._unsafeUnwrap();
  const cert = await kube.issueClientCertificate('writer');
  writer = createKubeClient({
    kubeConfig: kubeConfigFromCertificate({ server: kube.url, caPem: kube.caCertificate!, certPem: cert.certificate, keyPem: cert.privateKey, name: 'writer' }),
    qps: 0,
    retry: { maxAttempts: 1 },
  });
});
afterAll(() => kube.stop());

describe('applyObjects', () => {
  it('writes a RoleBinding once its Role and ServiceAccount are written, and the rest without waiting for them', async () => {
    const nodes = nodeList(cluster);
    const bootConfig = renderBootConfigMap(cluster, nodes[0]!)._unsafeUnwrap();
    const objects = [renderServiceAccount(cluster), renderRole(cluster, nodes), renderRoleBinding(cluster), bootConfig];
    // the Role slow to write, as etcd may be: a binding sent meanwhile would be refused 404
    kube.faults.latency({ verb: 'patch', resource: 'roles', ms: 300 });
    kube.requests.clear();
    const applied = await applyObjects({ kube: writer, fieldManager: 'kvm-operator' }, objects);
    expect(applied.isOk() ? applied.value : applied.error.message).toBe(4);
    const writes = kube.requests.filter({ verb: 'patch' });
    expect(writes.map((r) => [r.resource, r.code]).sort()).toEqual([
      ['configmaps', 201],
      ['rolebindings', 201],
      ['roles', 201],
      ['serviceaccounts', 201],
    ]);
    const at = (resource: string) => writes.find((r) => r.resource === resource)?.at ?? NaN;
    expect(at('rolebindings') - at('roles')).toBeGreaterThanOrEqual(300);
    expect(at('configmaps') - at('roles')).toBeLessThan(300);
  });
});
