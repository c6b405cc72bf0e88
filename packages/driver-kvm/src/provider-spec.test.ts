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
    [
      'a kernel without initrd',
      { guestImage: { kernel: '/images/vmlinuz' } },
      'spec.provider.kvm.guestImage',
      'set either disk, or kernel and initrd together',
    ],
    ['a relative image path', { guestImage: { disk: 'images/x.img' } }, 'spec.provider.kvm.guestImage.disk', 'must be an http(s) URL or an absolute host path'],
    [
      'persistentVolume without size',
      { etcdStorage: { type: 'persistentVolume' } },
      'spec.provider.kvm.etcdStorage.persistentVolume',
      'type persistentVolume needs persistentVolume.size',
    ],
    ['a port out of range', { portMappings: [{ name: 'x', port: 0 }] }, 'spec.provider.kvm.portMappings[0].port', 'must be at least 1'],
    [
      'a URL with a newline',
      { guestImage: { disk: 'https://x.example/a.img\nrm -rf /' } },
      'spec.provider.kvm.guestImage.disk',
      'must be an http(s) URL or an absolute host path',
    ],
    [
      'a cache path with a space',
      { guestImage: { disk: '/images/a.img', cachePath: '/var/lib/my images' } },
      'spec.provider.kvm.guestImage.cachePath',
      'must be an absolute path',
    ],
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

  it('accepts a nodeSelector of Kubernetes labels', () => {
    expect(clusters.validate(cluster({ nodeSelector: { 'kubeception.io/vm-host': 'true', zone: '', 'example.com/rack_1.a': 'A-1' } })).isOk()).toBe(true);
  });

  it.each([
    ['a value with a newline', { 'kubeception.io/vm-host': 'true\nx' }, 'Invalid value: "true\\nx": a valid label must be an empty string'],
    ['a value of 64 characters', { rack: 'v'.repeat(64) }, 'must be no more than 63 characters'],
    ['a value with $()', { rack: '$(reboot)' }, 'a valid label must be'],
    ['a key with a space', { 'bad key': 'v' }, 'Invalid value: "bad key": name part must consist of alphanumeric characters'],
    ['a key with two slashes', { 'a/b/c': 'v' }, 'a qualified name must consist of alphanumeric characters'],
    ['an empty key', { '': 'v' }, 'Invalid value: ""'],
  ])('refuses a nodeSelector with %s, naming the entry', (_what, nodeSelector, message) => {
    const issues = clusters.validate(cluster({ nodeSelector }))._unsafeUnwrapErr().issues;
    expect(issues.map((i) => i.path.startsWith('spec.provider.kvm.nodeSelector'))).not.toContain(false);
    expect(issues[0]?.message).toContain(message);
  });

  it('puts the label rules of worker pools on the nodeSelector in the CRD, so the API server refuses a bad entry', () => {
    const spec = clusters.crd().spec.versions[0]?.schema.openAPIV3Schema.properties?.spec?.properties;
    const selector = spec?.provider?.properties?.kvm?.properties?.nodeSelector;
    const poolLabels = spec?.workers?.items?.properties?.labels;
    expect(selector?.['x-kubernetes-validations']).toEqual(poolLabels?.['x-kubernetes-validations']);
    expect(selector?.maxProperties).toBe(poolLabels?.maxProperties);
    const values = selector?.additionalProperties as { pattern?: string; maxLength?: number } | undefined;
    const poolValues = poolLabels?.additionalProperties as { pattern?: string; maxLength?: number } | undefined;
    expect({ pattern: values?.pattern, maxLength: values?.maxLength }).toEqual({ pattern: poolValues?.pattern, maxLength: poolValues?.maxLength });
    expect(new RegExp(values?.pattern ?? '').test('true\nx')).toBe(false);
  });

  it('refuses VMs below the minimum memory', () => {
    expect(clusters.validate(cluster({}, '768Mi'))._unsafeUnwrapErr().issues).toEqual([
      { path: 'spec.masters.memory', message: 'must be at least 1Gi for a VM on KVM (got 768Mi)' },
    ]);
  });
});
