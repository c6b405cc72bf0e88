import { describe, expect, it } from 'vitest';
import { DEFAULT_LAUNCHER_IMAGE } from '../provider-spec.js';
import type { KvmCluster } from '../render/cluster.js';
import { hostPolicyRefusal, imageRepository } from './host-policy.js';

const cluster = (kvm: { image?: string; cachePath?: string; etcd?: string }): KvmCluster =>
  ({
    metadata: { name: 'c', namespace: 'n' },
    id: 'c-x',
    spec: {
      provider: {
        kvm: {
          launcher: { image: kvm.image ?? DEFAULT_LAUNCHER_IMAGE },
          guestImage: { cachePath: kvm.cachePath ?? '/var/lib/kubeception/images' },
          etcdStorage: { type: 'hostPath', hostPath: { path: kvm.etcd ?? '/var/lib/kubeception/etcd' } },
        },
      },
    },
  }) as unknown as KvmCluster;

describe('hostPolicyRefusal', () => {
  it('lets the defaults pass, and any tag or digest of an allowed repository', () => {
    expect(hostPolicyRefusal(cluster({}), {})).toBeUndefined();
    expect(hostPolicyRefusal(cluster({ image: 'quay.io/kubeception/qemu-launcher:9.9.9' }), {})).toBeUndefined();
    expect(hostPolicyRefusal(cluster({ image: `quay.io/kubeception/qemu-launcher@sha256:${'a'.repeat(64)}` }), {})).toBeUndefined();
  });

  it('refuses a launcher image of the tenant’s choosing, a look-alike repository included', () => {
    for (const image of ['evil.example.com/rootkit:1', 'quay.io/kubeception/qemu-launcher-evil:1', 'quay.io/kubeception/qemu-launcher/evil:1']) {
      expect(hostPolicyRefusal(cluster({ image }), {}), image).toMatchObject({ reason: 'LauncherImageNotAllowed', terminal: true });
    }
    expect(
      hostPolicyRefusal(cluster({ image: 'registry.example.com/kubeception/qemu-launcher:0.2.0' }), { launcherImages: ['registry.example.com/kubeception/'] }),
    ).toBeUndefined();
  });

  it('refuses host paths outside the allowed roots, with .. resolved', () => {
    for (const path of ['/', '/etc', '/var/lib/kubeception-evil', '/var/lib/kubeception/../../etc']) {
      expect(hostPolicyRefusal(cluster({ cachePath: path }), {}), path).toMatchObject({ reason: 'HostPathNotAllowed' });
      expect(hostPolicyRefusal(cluster({ etcd: path }), {}), path).toMatchObject({ reason: 'HostPathNotAllowed' });
    }
    expect(hostPolicyRefusal(cluster({ cachePath: '/srv/images', etcd: '/srv/etcd' }), { hostPathRoots: ['/srv'] })).toBeUndefined();
  });

  it('finds an image reference’s repository', () => {
    expect(imageRepository('registry:5000/a/b:1.0')).toBe('registry:5000/a/b');
    expect(imageRepository('registry:5000/a/b')).toBe('registry:5000/a/b');
    expect(imageRepository('a/b@sha256:abc')).toBe('a/b');
  });
});
