import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DiscoveryV1Api, PatchStrategy, setHeaderOptions, type V1EndpointSlice } from '@kubernetes/client-node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { raw, run, runs } from './fixtures.js';
import { startFakeKube, type FakeKube } from './server.js';

const hasKubectl = runs('kubectl', 'version', '--client');

let kube: FakeKube;
beforeAll(async () => {
  kube = await startFakeKube();
});
afterAll(() => kube.stop());

const slice = (name: string, service: string, ips: string[]): V1EndpointSlice => ({
  apiVersion: 'discovery.k8s.io/v1',
  kind: 'EndpointSlice',
  metadata: { name, labels: { 'kubernetes.io/service-name': service, 'endpointslice.kubernetes.io/managed-by': 'test' } },
  addressType: 'IPv4',
  endpoints: ips.map((ip, i) => ({ addresses: [ip], hostname: `vm-${i}`, conditions: { ready: true } })),
  ports: [{ name: 'api', port: 6443, protocol: 'TCP' }],
});

describe('EndpointSlices (discovery.k8s.io/v1)', () => {
  it('are served in discovery: namespaced, no status subresource', async () => {
    const list = (await raw(kube, 'GET', '/apis/discovery.k8s.io/v1')).json as { resources: { name: string; kind: string; namespaced: boolean }[] };
    expect(list.resources.map((r) => r.name)).toEqual(['endpointslices']);
    expect(list.resources[0]).toMatchObject({ kind: 'EndpointSlice', namespaced: true });
    const group = (await raw(kube, 'GET', '/apis/discovery.k8s.io')).json as { preferredVersion: { groupVersion: string } };
    expect(group.preferredVersion.groupVersion).toBe('discovery.k8s.io/v1');
  });

  it('create, list by service name, server-side apply, delete through DiscoveryV1Api', async () => {
    const api = kube.kubeConfig.makeApiClient(DiscoveryV1Api);
    const created = await api.createNamespacedEndpointSlice({ namespace: 'default', body: slice('master', 'master', ['10.128.0.2']) });
    expect(created.metadata?.uid).toBeDefined();
    expect(created.metadata?.generation).toBeUndefined();
    await api.createNamespacedEndpointSlice({ namespace: 'default', body: slice('worker', 'worker', ['10.128.0.3', '10.128.0.4']) });

    const masters = await api.listNamespacedEndpointSlice({ namespace: 'default', labelSelector: 'kubernetes.io/service-name=master' });
    expect(masters.items.map((s) => s.metadata?.name)).toEqual(['master']);
    expect(masters.items[0]?.endpoints?.[0]?.addresses).toEqual(['10.128.0.2']);
    const all = await api.listEndpointSliceForAllNamespaces({ labelSelector: 'endpointslice.kubernetes.io/managed-by=test' });
    expect(all.items).toHaveLength(2);

    const applied = await api.patchNamespacedEndpointSlice(
      {
        namespace: 'default',
        name: 'master',
        body: slice('master', 'master', ['10.128.0.2', '10.128.0.5']),
        fieldManager: 'kvm-operator.kubeception.io',
        force: true,
      },
      setHeaderOptions('Content-Type', PatchStrategy.ServerSideApply),
    );
    expect(applied.endpoints?.map((e) => e.addresses[0])).toEqual(['10.128.0.2', '10.128.0.5']);
    expect(applied.metadata?.managedFields?.map((m) => m.manager)).toContain('kvm-operator.kubeception.io');
    const fresh = await api.patchNamespacedEndpointSlice(
      { namespace: 'default', name: 'fresh', body: slice('fresh', 'fresh', ['10.128.1.2']), fieldManager: 'kvm-operator.kubeception.io' },
      setHeaderOptions('Content-Type', PatchStrategy.ServerSideApply),
    );
    expect(fresh.metadata?.labels?.['kubernetes.io/service-name']).toBe('fresh');

    await api.deleteNamespacedEndpointSlice({ namespace: 'default', name: 'worker' });
    const left = await api.listNamespacedEndpointSlice({ namespace: 'default' });
    expect(left.items.map((s) => s.metadata?.name).sort()).toEqual(['fresh', 'master']);
  });

  it.skipIf(!hasKubectl)('kubectl gets and applies them', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'fake-kube-endpointslices-'));
    try {
      writeFileSync(join(dir, 'kubeconfig'), kube.kubeconfigYaml);
      writeFileSync(join(dir, 'slice.json'), JSON.stringify(slice('kubectl', 'kubectl', ['10.128.2.2'])));
      const args = ['--kubeconfig', join(dir, 'kubeconfig'), '--cache-dir', join(dir, 'cache')];
      const kubectl = async (...rest: string[]) => (await run('kubectl', [...args, ...rest], { timeout: 15_000 })).stdout;
      expect(await kubectl('apply', '--server-side', '-f', join(dir, 'slice.json'))).toBe('endpointslice.discovery.k8s.io/kubectl serverside-applied\n');
      expect(await kubectl('get', 'endpointslices', '-l', 'kubernetes.io/service-name=kubectl', '-o', 'name')).toBe('endpointslice.discovery.k8s.io/kubectl\n');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
