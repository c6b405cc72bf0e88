import { Component, Label } from '@kubeception/sdk';
import { describe, expect, it } from 'vitest';
import { renderEtcdClaim } from './etcd-storage.js';
import { QEMU_CPU_OVERHEAD, QEMU_MEMORY_OVERHEAD_MIB } from './launcher.js';
import { nodeList, type VmNode } from './nodes.js';
import type { Deployment, Volume } from './objects.js';
import { haCluster, sampleCluster } from './test-fixtures.js';
import { renderVmDeployment } from './vm-deployment.js';

const cluster = haCluster();
const nodes = nodeList(cluster);
const node = (name: string) => nodes.find((n) => n.name === name) as VmNode;
const deployment = (name: string, c = cluster) => renderVmDeployment(c, nodeList(c).find((n) => n.name === name) as VmNode, 7)._unsafeUnwrap();
const pod = (d: Deployment) => d.spec?.template.spec;
const launcher = (d: Deployment) => pod(d)?.containers[0];
const volume = (d: Deployment, name: string) => pod(d)?.volumes?.find((v) => v.name === name) as Volume;
const env = (d: Deployment) => Object.fromEntries((launcher(d)?.env ?? []).map((e) => [e.name, e.value]));

describe('renderVmDeployment', () => {
  it('runs one replica, recreated (never two QEMUs for one VM)', () => {
    const d = deployment('prod-master-0');
    expect(d.metadata?.name).toBe('prod-master-0');
    expect(d.spec?.replicas).toBe(1);
    expect(d.spec?.strategy).toEqual({ type: 'Recreate' });
    expect(d.spec?.selector.matchLabels).toEqual({ [Label.Cluster]: 'prod', 'kubeception.io/node': 'prod-master-0' });
  });

  it('keeps the cluster’s VMs on different hosts (required anti-affinity by hostname)', () => {
    const d = deployment('prod-general-1');
    expect(pod(d)?.affinity?.podAntiAffinity?.requiredDuringSchedulingIgnoredDuringExecution).toEqual([
      { labelSelector: { matchLabels: { [Label.Cluster]: 'prod', 'app.kubernetes.io/component': 'vm' } }, topologyKey: 'kubernetes.io/hostname' },
    ]);
    expect(d.spec?.template.metadata?.labels).toMatchObject({ [Label.Cluster]: 'prod', 'app.kubernetes.io/component': 'vm' });
    expect(pod(d)?.nodeSelector).toEqual({ 'kubeception.io/vm-host': 'true' });
  });

  it.each(nodes.map((n) => [n.name, n] as const))('requests = limits = VM size + overhead for %s', (name, n) => {
    // VM memory + 512Mi of QEMU overhead, spelled as the API server stores it (2048Mi is 2Gi)
    expect(QEMU_MEMORY_OVERHEAD_MIB).toBe(512);
    const memory = { '8Gi': '8704Mi', '4Gi': '4608Mi', '1536Mi': '2Gi' }[n.memory];
    const expected = { cpu: String(n.cpus + QEMU_CPU_OVERHEAD), memory };
    expect(launcher(deployment(name))?.resources).toEqual({ requests: expected, limits: expected });
  });

  it('runs the launcher image privileged with /dev/kvm on the host network', () => {
    const d = deployment('prod-gpu-0');
    expect(launcher(d)?.image).toBe('registry.example.com/kubeception/qemu-launcher:0.2.0');
    expect(launcher(d)?.securityContext).toEqual({ privileged: true });
    expect(volume(d, 'dev-kvm').hostPath).toEqual({ path: '/dev/kvm', type: 'CharDevice' });
    expect(launcher(d)?.volumeMounts).toContainEqual({ name: 'dev-kvm', mountPath: '/dev/kvm' });
    expect(pod(d)?.hostNetwork).toBe(true);
  });

  it('describes the VM in the environment', () => {
    expect(env(deployment('prod-gpu-0'))).toMatchObject({
      VM_CORES: '8',
      VM_MEMORY_MIB: '1536',
      VM_DISK_MIB: '102400',
      GUEST_KERNEL: '/images/vmlinuz',
      GUEST_INITRD: 'https://images.example.com/initrd.img',
      GUEST_IMAGE_CACHE: '/var/lib/kubeception/images',
      BOOT_CONFIG_PATH: '/etc/kubeception/boot/config.ign',
      CERTIFICATE_DIR: '/etc/kubernetes/ssl',
      BRIDGE: 'br-d6c18381e512',
      TAP: 'tap-d6c18381e51',
      HEALTH_PORT: '40007',
    });
    expect(env(deployment('prod-gpu-0'))).not.toHaveProperty('ETCD_DATA_DIR');
    expect(env(deployment('prod-master-2'))).toHaveProperty('ETCD_DATA_DIR', '/var/lib/kubeception/etcd');
  });

  it('mounts the boot ConfigMap read-only', () => {
    const d = deployment('prod-general-0');
    expect(volume(d, 'boot').configMap).toEqual({ name: 'prod-general-0-boot' });
    expect(launcher(d)?.volumeMounts).toContainEqual({ name: 'boot', mountPath: '/etc/kubeception/boot', readOnly: true });
  });

  it.each([
    ['prod-master-0', ['api', 'etcd', 'service-account', 'admin', 'flanneld-etcd-client', 'calico-etcd-client']],
    ['prod-general-0', ['worker', 'flanneld-etcd-client', 'calico-etcd-client']],
  ])('mounts the right certificate Secrets into %s, read-only, under one directory', (name, components) => {
    const d = deployment(name);
    const sources = volume(d, 'certificates').projected?.sources ?? [];
    expect(sources.map((s) => s.secret?.name)).toEqual(components.map((c) => `prod-${c}`));
    expect(sources.flatMap((s) => s.secret?.items?.map((i) => i.path) ?? [])).toEqual(
      components.flatMap((c) => [`${c}/tls.crt`, `${c}/tls.key`, `${c}/ca.crt`]),
    );
    expect(launcher(d)?.volumeMounts).toContainEqual({ name: 'certificates', mountPath: '/etc/kubernetes/ssl', readOnly: true });
    expect(components).toContain(name.includes('master') ? Component.Api : Component.Worker);
  });

  it('gives masters a PersistentVolumeClaim for etcd when persistentVolume', () => {
    expect(volume(deployment('prod-master-1'), 'etcd')).toEqual({ name: 'etcd', persistentVolumeClaim: { claimName: 'prod-master-1-etcd' } });
    expect(renderEtcdClaim(cluster, node('prod-master-1'))._unsafeUnwrap()?.spec).toEqual({
      accessModes: ['ReadWriteOnce'],
      resources: { requests: { storage: '10Gi' } },
      storageClassName: 'fast',
    });
    expect(renderEtcdClaim(cluster, node('prod-general-0'))._unsafeUnwrap()).toBeUndefined();
    expect(volume(deployment('prod-general-0'), 'etcd')).toBeUndefined();
  });

  it('gives masters a per-node host directory for etcd when hostPath', () => {
    const sample = sampleCluster();
    expect(volume(deployment('demo-master-0', sample), 'etcd')).toEqual({
      name: 'etcd',
      hostPath: { path: '/var/lib/kubeception/etcd/demo-alemq23dns/demo-master-0', type: 'DirectoryOrCreate' },
    });
    expect(renderEtcdClaim(sample, nodeList(sample)[0] as VmNode)._unsafeUnwrap()).toBeUndefined();
    const custom = haCluster({ type: 'hostPath', hostPath: { path: '/data/etcd' } });
    expect(volume(deployment('prod-master-0', custom), 'etcd').hostPath?.path).toBe('/data/etcd/prod-azg2vajira/prod-master-0');
  });

  it('is ready when the launcher says so', () => {
    expect(launcher(deployment('prod-master-0'))?.readinessProbe?.httpGet).toEqual({ path: '/readyz', port: 'health' });
    expect(launcher(deployment('prod-master-0'))?.ports).toEqual([{ name: 'health', containerPort: 40007, hostPort: 40007, protocol: 'TCP' }]);
  });
});
