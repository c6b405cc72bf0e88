import { describe, expect, it } from 'vitest';
import { renderBootConfigMap } from './boot-config.js';
import { dataUrl, IGNITION_VERSION, type IgnitionConfig } from './ignition.js';
import { BOOT_CONFIG_KEY } from './launcher.js';
import { nodeList, type VmNode } from './nodes.js';
import type { ConfigMap } from './objects.js';
import { renderCluster } from './render-cluster.js';
import { decodedIgnition, haCluster, haInputs, sampleCluster, sampleInputs } from './test-fixtures.js';

const cluster = haCluster();
const configMaps = [renderCluster(sampleCluster(), sampleInputs)._unsafeUnwrap(), renderCluster(cluster, haInputs)._unsafeUnwrap()].flatMap((r) =>
  r.objects.filter((o): o is ConfigMap => o.kind === 'ConfigMap'),
);
const ignition = (name: string) => {
  const node = nodeList(cluster).find((n) => n.name === name) as VmNode;
  return JSON.parse(renderBootConfigMap(cluster, node)._unsafeUnwrap().data?.[BOOT_CONFIG_KEY] ?? '') as IgnitionConfig;
};
const file = (config: IgnitionConfig, path: string) => {
  const source = config.storage.files.find((f) => f.path === path)?.contents.source ?? '';
  return decodeURIComponent(source.replace(/^data:,/, ''));
};
const units = (config: IgnitionConfig) => config.systemd.units.map((u) => u.name);

describe('boot ConfigMaps', () => {
  it.each(configMaps.map((cm) => [cm.metadata?.name, cm] as const))('%s holds valid Ignition %s JSON', (_name, cm) => {
    const config = JSON.parse(cm.data?.[BOOT_CONFIG_KEY] ?? '') as IgnitionConfig;
    expect(config.ignition.version).toBe(IGNITION_VERSION);
    expect(IGNITION_VERSION).toBe('3.4.0');
    for (const f of config.storage.files) {
      expect(f.path).toMatch(/^\//);
      expect(f.contents.source).toMatch(/^data:,/);
      expect(() => decodeURIComponent(f.contents.source)).not.toThrow();
    }
    expect(config).not.toHaveProperty('passwd'); // the KVM spec has no SSH keys field
  });

  it('carries no secret material, encoded or not', () => {
    for (const cm of configMaps) {
      const text = JSON.stringify(cm.data);
      const decoded = decodedIgnition(cm.data?.[BOOT_CONFIG_KEY] ?? '');
      for (const haystack of [text, decoded]) {
        expect(haystack).not.toMatch(/-----BEGIN/);
        expect(haystack).not.toMatch(/PRIVATE KEY/);
        expect(haystack).not.toMatch(/LS0tLS1CRUdJTi/); // "-----BEGIN" in base64
      }
    }
  });

  it('names the node and brings up eth0 by DHCP', () => {
    const config = ignition('prod-general-1');
    expect(file(config, '/etc/hostname')).toBe('prod-general-1\n');
    expect(file(config, '/etc/systemd/network/00-eth0.network')).toContain('DHCP=ipv4');
  });

  it('runs the control plane on masters and the kubelet everywhere, at the cluster’s version', () => {
    const master = ignition('prod-master-0');
    const worker = ignition('prod-gpu-0');
    expect(units(master)).toEqual([
      'etc-kubernetes-ssl.mount',
      'var-lib-etcd.mount',
      'kubeception-fetch.service',
      'etcd.service',
      'kube-apiserver.service',
      'kube-controller-manager.service',
      'kube-scheduler.service',
      'kubelet.service',
    ]);
    expect(units(worker)).toEqual(['etc-kubernetes-ssl.mount', 'kubeception-fetch.service', 'kubelet.service']);
    const kubelet = worker.systemd.units.find((u) => u.name === 'kubelet.service')?.contents ?? '';
    expect(kubelet).toContain('/opt/kubernetes/v1.33.1/bin/kubelet');
    expect(kubelet).toContain('example.com/gpu=true');
    const api = master.systemd.units.find((u) => u.name === 'kube-apiserver.service')?.contents ?? '';
    expect(api).toContain('--tls-private-key-file=/etc/kubernetes/ssl/api/tls.key');
    expect(api).toContain('--secure-port=6443');
    const etcd = master.systemd.units.find((u) => u.name === 'etcd.service')?.contents ?? '';
    expect(etcd).toContain(
      '--initial-cluster=prod-master-0=https://prod-master-0:2380,prod-master-1=https://prod-master-1:2380,prod-master-2=https://prod-master-2:2380',
    );
  });

  it('points kubeconfigs at certificate paths and the right API server', () => {
    expect(JSON.parse(file(ignition('prod-general-0'), '/etc/kubernetes/kubeconfig/kubelet.json'))).toMatchObject({
      clusters: [{ cluster: { server: 'https://api.prod.example.com:6443', 'certificate-authority': '/etc/kubernetes/ssl/worker/ca.crt' } }],
      users: [{ user: { 'client-certificate': '/etc/kubernetes/ssl/worker/tls.crt', 'client-key': '/etc/kubernetes/ssl/worker/tls.key' } }],
    });
    expect(JSON.parse(file(ignition('prod-master-0'), '/etc/kubernetes/config/kubelet.json'))).toMatchObject({
      clusterDNS: ['172.31.0.10'],
      clusterDomain: 'cluster.local',
    });
  });

  it('encodes data URLs reversibly and readably', () => {
    const text = 'a b\n#?%[x]=é"{}/--flag=1,2';
    expect(dataUrl(text)).toBe('data:,a%20b%0A%23%3F%25%5Bx%5D=%C3%A9%22%7B%7D/--flag=1,2');
    expect(decodeURIComponent(dataUrl(text).slice('data:,'.length))).toBe(text);
  });

  it.each(['prod-master-0', 'prod-gpu-0'])('renders %s (decoded file snapshot)', async (name) => {
    const node = nodeList(cluster).find((n) => n.name === name) as VmNode;
    await expect(decodedIgnition(renderBootConfigMap(cluster, node)._unsafeUnwrap().data?.[BOOT_CONFIG_KEY] ?? '')).toMatchFileSnapshot(
      `./__snapshots__/ignition-${name}.txt`,
    );
  });
});
