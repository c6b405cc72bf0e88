/** Files written into the guest by Ignition: plain text, public data only (paths, never keys). */
import { Component, NodeRole, parseCidr } from '@kubeception/sdk';
import { certificatePaths } from './certificates.js';
import type { KvmCluster } from './cluster.js';
import { bridgeName } from './names.js';
import type { VmNode } from './nodes.js';

/** etcd release the masters run. */
export const ETCD_VERSION = '3.5.21';

/** Paths in the guest. */
export const GuestPath = {
  Hostname: '/etc/hostname',
  Network: '/etc/systemd/network/00-eth0.network',
  NodeEnv: '/etc/kubeception/node.env',
  Fetch: '/opt/bin/kubeception-fetch',
  KubeconfigDir: '/etc/kubernetes/kubeconfig',
  KubeletConfig: '/etc/kubernetes/config/kubelet.json',
  EtcdData: '/var/lib/etcd',
} as const;
export type GuestPath = (typeof GuestPath)[keyof typeof GuestPath];

/** Where the Kubernetes binaries of `version` are installed in the guest. */
export const kubernetesBinDir = (version: string) => `/opt/kubernetes/v${version}/bin`;
/** Where etcd of `version` is installed in the guest. */
export const etcdBinDir = (version: string) => `/opt/etcd/v${version}`;

/** The identity a node's Kubernetes clients use: `api` on masters, `worker` on workers. */
export const clientComponent = (role: NodeRole) => (role === NodeRole.Master ? Component.Api : Component.Worker);

/** The API server URL a node talks to: its own on masters, the cluster endpoint on workers. */
export function apiServerUrl(cluster: KvmCluster, role: NodeRole): string {
  const { domain, securePort } = cluster.spec.kubernetes.api;
  return role === NodeRole.Master ? `https://127.0.0.1:${securePort}` : `https://${domain}:${securePort}`;
}

/** The guest cluster DNS service address: the 10th address of the service network. */
export function clusterDnsIp(serviceCidr: string): string {
  const net = parseCidr(serviceCidr);
  if (typeof net === 'string') throw new Error(`invalid service CIDR ${serviceCidr}: ${net}`); // validated before rendering
  const ip = net.first + 10;
  return [24, 16, 8, 0].map((shift) => Math.floor(ip / 2 ** shift) % 256).join('.');
}

/** systemd-networkd: DHCP on eth0 (the launcher serves DHCP on the VM's tap). */
export const networkUnitFile = () => ['[Match]', 'Name=eth0', '', '[Network]', 'DHCP=ipv4', ''].join('\n');

/** `/etc/kubeception/node.env`: what the node is, for scripts and debugging. */
export function nodeEnvFile(cluster: KvmCluster, node: VmNode): string {
  const { kubernetes, network } = cluster.spec;
  return [
    `CLUSTER=${cluster.metadata.name}`,
    `NODE=${node.name}`,
    `ROLE=${node.role}`,
    ...(node.pool === undefined ? [] : [`POOL=${node.pool}`]),
    `KUBERNETES_VERSION=${kubernetes.version}`,
    `API_SERVER=${apiServerUrl(cluster, node.role)}`,
    `SERVICE_CIDR=${kubernetes.api.serviceCIDR}`,
    `POD_CIDR=${network.podCIDR}`,
    `CLUSTER_DOMAIN=${kubernetes.dns.clusterDomain}`,
    `HOST_BRIDGE=${bridgeName(cluster.metadata.name)}`,
    '',
  ].join('\n');
}

/** `kubeception-fetch kubernetes <version> <names…>` / `kubeception-fetch etcd <version>`: idempotent downloads. */
export function fetchScript(): string {
  return [
    '#!/bin/sh',
    '# Downloads pinned Kubernetes or etcd binaries once; safe to re-run.',
    'set -eu',
    'what="$1"; version="$2"; shift 2',
    'get() { curl -fsSL --retry 5 --retry-delay 2 -o "$2.tmp" "$1" && mv "$2.tmp" "$2"; }',
    'if [ "$what" = etcd ]; then',
    '  dir="/opt/etcd/v${version}"; [ -x "$dir/etcd" ] && exit 0',
    '  mkdir -p "$dir" && get "https://github.com/etcd-io/etcd/releases/download/v${version}/etcd-v${version}-linux-amd64.tar.gz" /tmp/etcd.tgz',
    '  tar -xzf /tmp/etcd.tgz -C "$dir" --strip-components=1 && rm -f /tmp/etcd.tgz',
    '  exit 0',
    'fi',
    'dir="/opt/kubernetes/v${version}/bin"; mkdir -p "$dir"',
    'for name in "$@"; do',
    '  [ -x "$dir/$name" ] && continue',
    '  get "https://dl.k8s.io/v${version}/bin/linux/amd64/${name}" "$dir/$name" && chmod 0755 "$dir/$name"',
    'done',
    '',
  ].join('\n');
}

/** A kubeconfig (JSON, which is YAML) naming certificate files by path. */
export function kubeconfigFile(cluster: KvmCluster, role: NodeRole, component: Component = clientComponent(role)): string {
  const paths = certificatePaths(component);
  const name = cluster.metadata.name;
  const config = {
    apiVersion: 'v1',
    kind: 'Config',
    clusters: [{ name, cluster: { server: apiServerUrl(cluster, role), 'certificate-authority': paths.ca } }],
    users: [{ name: component, user: { 'client-certificate': paths.cert, 'client-key': paths.key } }],
    contexts: [{ name: 'default', context: { cluster: name, user: component } }],
    'current-context': 'default',
  };
  return `${JSON.stringify(config, null, 2)}\n`;
}

/** The kubelet's KubeletConfiguration (JSON). */
export function kubeletConfigFile(cluster: KvmCluster, role: NodeRole): string {
  const paths = certificatePaths(clientComponent(role));
  const { kubernetes } = cluster.spec;
  const config = {
    apiVersion: 'kubelet.config.k8s.io/v1beta1',
    kind: 'KubeletConfiguration',
    clusterDomain: kubernetes.dns.clusterDomain,
    clusterDNS: [clusterDnsIp(kubernetes.api.serviceCIDR)],
    cgroupDriver: 'systemd',
    containerRuntimeEndpoint: 'unix:///run/containerd/containerd.sock',
    tlsCertFile: paths.cert,
    tlsPrivateKeyFile: paths.key,
    authentication: { anonymous: { enabled: false }, webhook: { enabled: true }, x509: { clientCAFile: paths.ca } },
    authorization: { mode: 'Webhook' },
  };
  return `${JSON.stringify(config, null, 2)}\n`;
}
