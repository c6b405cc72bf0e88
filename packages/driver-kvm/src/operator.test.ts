/**
 * `createKvmOperator` on the fake API server: one manager runs the Cluster controller (on the KVM
 * driver) and the caller's extra controllers; the Cluster controller writes the PKI objects `pki`
 * names (the SDK's `clusterPki` unless told) as `name` (`kvm-operator` unless told). No PKI
 * controller runs here, so a Cluster goes no further than its CertificateAuthority, waiting for it.
 */
import { readFileSync } from 'node:fs';
import { CertificateAuthorityResource, ClusterResource, kubeceptionCrds, type ClusterInput } from '@kubeception/sdk';
import { clusterPki, type DesiredPki } from '@kubeception/sdk/cluster';
import { createKubeClient } from '@kubeception/sdk/kube';
import type { Controller } from '@kubeception/sdk/runtime';
import { startFakeKube } from '@kubeception/testing';
import { describe, expect, it, onTestFinished } from 'vitest';
import { parse } from 'yaml';
import { createMemoryNetworkStore } from './network/memory-store.js';
import { createKvmOperator, KVM_OPERATOR, type KvmOperatorOptions } from './operator.js';
import { provider } from './provider-spec.js';

const sample = parse(readFileSync(new URL('../../../examples/samples/valid/cluster-kvm.yaml', import.meta.url), 'utf8')) as ClusterInput;
/** `clusterPki`, but the CA has its own common name. */
const ownPki: DesiredPki = (cluster) => {
  const { authority, certificates } = clusterPki(cluster);
  return { authority: { ...authority, spec: { ...authority.spec, commonName: 'own.example.com' } }, certificates };
};

/** A controller that only says it was run, until its manager stops. */
function probe(runs: string[]): Controller {
  return {
    name: 'probe',
    run: async (env) => {
      runs.push('probe');
      await new Promise<void>((resolve) => env.signal.addEventListener('abort', () => resolve(), { once: true }));
    },
    resync: () => undefined,
  };
}

describe('createKvmOperator', () => {
  it.each<[string, Partial<KvmOperatorOptions>, string, string]>([
    ['by default', {}, KVM_OPERATOR, 'demo.k8s.example.com'],
    ['with its own name and PKI', { name: 'mine', pki: ownPki }, 'mine', 'own.example.com'],
  ])('%s: runs the extra controllers and writes the PKI objects as its field manager', async (_case, options, manager, commonName) => {
    const fake = await startFakeKube({ crds: kubeceptionCrds({ providers: [provider] }) });
    const kube = createKubeClient({ kubeConfig: fake.kubeConfig, qps: 0 });
    const runs: string[] = [];
    const operator = createKvmOperator({
      kube,
      networkStore: createMemoryNetworkStore(),
      flannel: { etcdEndpoints: ['http://flannel-etcd:2379'] },
      ledgerNamespace: 'default',
      extraControllers: [probe(runs)],
      ...options,
    });
    onTestFinished(async () => {
      await operator.stop();
      await fake.stop();
    });
    void operator.start();
    (await kube.resource(ClusterResource).create(sample))._unsafeUnwrap();
    const authority = async () => (await kube.resource(CertificateAuthorityResource).get('demo', { namespace: 'default' })).unwrapOr(undefined);
    await expect.poll(authority, { timeout: 10_000 }).toBeDefined();
    const managers = ((await authority())?.metadata.managedFields ?? []) as readonly { readonly manager?: string }[];
    expect(managers.map((f) => f.manager)).toContain(manager);
    expect((await authority())?.spec.commonName).toBe(commonName);
    expect(runs).toEqual(['probe']);
  });
});
