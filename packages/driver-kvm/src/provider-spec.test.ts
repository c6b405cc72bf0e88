import { createClusterModel } from '@kubeception/sdk';
import { describe, expect, it } from 'vitest';
import { DEFAULT_GUEST_DISK, DEFAULT_LAUNCHER_IMAGE, kvmSpecSchema, provider } from './provider-spec.js';

const clusters = createClusterModel({ providers: [provider] });
const cluster = (kvm: object, memory = '4Gi') => ({
  apiVersion: 'kubeception.io/v1alpha1',
  kind: 'Cluster',
  metadata: { name: 'demo' },
  spec: {
    provider: { kvm },
    kubernetes: { version: '1.33.1', api: { domain: 'api.demo.example.com' } },
    ingress: { domain: 'demo.example.com' },
    network: { podCIDR: '10.2.0.0/16' },
    masters: { cpus: 2, memory, disk: '20Gi' },
  },
});

describe('spec.provider.kvm', () => {
  it('defaults every field', () => {
    expect(kvmSpecSchema.parse({})).toEqual({
      launcher: { image: DEFAULT_LAUNCHER_IMAGE },
      guestImage: { disk: DEFAULT_GUEST_DISK, cachePath: '/var/lib/kubeception/images' },
      etcdStorage: { type: 'hostPath' },
      ingressClassName: 'nginx',
      portMappings: [],
    });
  });

  it.each([
    ['a digest-pinned image', { launcher: { image: `quay.io/org/launcher@sha256:${'a'.repeat(64)}` } }],
    ['a kernel and initrd', { guestImage: { kernel: '/images/vmlinuz', initrd: 'https://example.com/initrd' } }],
    ['a persistent volume for etcd', { etcdStorage: { type: 'persistentVolume', persistentVolume: { size: '10Gi' } } }],
    ['extra ports', { portMappings: [{ name: 'ssh', port: 22 }] }],
  ])('accepts %s', (_what, kvm) => expect(clusters.validate(cluster(kvm)).isOk()).toBe(true));

  it.each([
    ['a kernel without initrd', { guestImage: { kernel: '/images/vmlinuz' } }, 'spec.provider.kvm.guestImage', 'set either disk, or kernel and initrd together'],
    ['a relative image path', { guestImage: { disk: 'images/x.img' } }, 'spec.provider.kvm.guestImage.disk', 'must be an http(s) URL or an absolute host path'],
    ['persistentVolume without size', { etcdStorage: { type: 'persistentVolume' } }, 'spec.provider.kvm.etcdStorage.persistentVolume', 'type persistentVolume needs persistentVolume.size'],
    ['a port out of range', { portMappings: [{ name: 'x', port: 0 }] }, 'spec.provider.kvm.portMappings[0].port', 'must be at least 1'],
    ['a URL with a newline', { guestImage: { disk: 'https://x.example/a.img\nrm -rf /' } }, 'spec.provider.kvm.guestImage.disk', 'must be an http(s) URL or an absolute host path'],
    ['a cache path with a space', { guestImage: { disk: '/images/a.img', cachePath: '/var/lib/my images' } }, 'spec.provider.kvm.guestImage.cachePath', 'must be an absolute path'],
  ])('rejects %s', (_what, kvm, path, message) => {
    expect(clusters.validate(cluster(kvm))._unsafeUnwrapErr().issues).toEqual([{ path, message }]);
  });

  it('puts the same location patterns in the CRD as the validator checks', () => {
    const kvm = clusters.crd().spec.versions[0]?.schema.openAPIV3Schema.properties?.spec?.properties?.provider?.properties?.kvm?.properties;
    for (const field of ['kernel', 'initrd', 'disk', 'cachePath'] as const) {
      const pattern = kvm?.guestImage?.properties?.[field]?.pattern ?? '';
      expect(new RegExp(pattern).test('/images/x.img'), field).toBe(true);
      expect(new RegExp(pattern).test('/images/x.img\nExecStart=/bin/sh'), field).toBe(false);
    }
    expect(kvm?.etcdStorage?.properties?.hostPath?.properties?.path?.pattern).toBe('^/[!-~]*$');
  });

  it('refuses VMs below the minimum memory', () => {
    expect(clusters.validate(cluster({}, '768Mi'))._unsafeUnwrapErr().issues).toEqual([
      { path: 'spec.masters.memory', message: 'must be at least 1Gi for a VM on KVM (got 768Mi)' },
    ]);
  });
});
