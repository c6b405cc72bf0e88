/**
 * Files written into the guest by Ignition: plain text, public data only (paths, never keys).
 * User-written values pass through a {@link Quoting}: quoted for the shell in `node.env`,
 * refused when they hold control characters.
 */
import { Component, NodeRole, parseCidr } from '@kubeception/sdk';
import { certificatePaths } from './certificates.js';
import type { KvmCluster } from './cluster.js';
import { bridgeName } from './names.js';
import { poolPath, type VmNode } from './nodes.js';
import type { Quoting } from './quote.js';

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

/** The guest cluster DNS service address: the 10th address of the service network; `undefined` when `serviceCidr` is no IPv4 CIDR. */
export function clusterDnsIp(serviceCidr: string): string | undefined {
  const net = parseCidr(serviceCidr);
  if (typeof net === 'string') return undefined;
  const ip = net.first + 10;
  return [24, 16, 8, 0].map((shift) => Math.floor(ip / 2 ** shift) % 256).join('.');
}

/** systemd-networkd: DHCP on eth0 (the launcher serves DHCP on the VM's tap). */
export const networkUnitFile = () => ['[Match]', 'Name=eth0', '', '[Network]', 'DHCP=ipv4', ''].join('\n');

/**
 * `/etc/kubeception/node.env`: what the node is, for scripts and debugging. Each value is one
 * POSIX shell word (single-quoted unless plainly safe), so the file can be sourced by `sh` and
 * read as a systemd `EnvironmentFile=` alike.
 */
export function nodeEnvFile(q: Quoting, cluster: KvmCluster, node: VmNode): string {
  const { kubernetes, network } = cluster.spec;
  const entries: [string, string, string][] = [
    ['CLUSTER', cluster.metadata.name, 'metadata.name'],
    ['CLUSTER_ID', cluster.id, 'metadata.name'],
    ['NODE', node.name, 'node name'],
    ['ROLE', node.role, 'node role'],
    ...(node.pool === undefined ? [] : [['POOL', node.pool, `${poolPath(cluster, node.pool)}.name`] as [string, string, string]]),
    ['KUBERNETES_VERSION', kubernetes.version, 'spec.kubernetes.version'],
    ['API_SERVER', apiServerUrl(cluster, node.role), 'spec.kubernetes.api.domain'],
    ['SERVICE_CIDR', kubernetes.api.serviceCIDR, 'spec.kubernetes.api.serviceCIDR'],
    ['POD_CIDR', network.podCIDR, 'spec.network.podCIDR'],
    ['CLUSTER_DOMAIN', kubernetes.dns.clusterDomain, 'spec.kubernetes.dns.clusterDomain'],
    ['HOST_BRIDGE', bridgeName(cluster.id), 'metadata.name'],
  ];
  return [...entries.map(([key, value, field]) => `${key}=${q.shell(value, field)}`), ''].join('\n');
}

/** `kubeception-fetch kubernetes <version> <names…>` / `kubeception-fetch etcd <version>`: idempotent downloads. */
export function fetchScript(): string {
  return [
    '#!/bin/sh',
    '# Downloads pinned Kubernetes or etcd binaries once; safe to re-run.',
    'set -eu',
    'what="$1"; version="$2"; shift 2',
    '# the version becomes part of paths and URLs: digits, letters, ".", "+" and "-" only',
    'case "$version" in "" | *[!0-9A-Za-z.+-]*) echo "kubeception-fetch: invalid version" >&2; exit 2 ;; esac',
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
export function kubeconfigFile(q: Quoting, cluster: KvmCluster, role: NodeRole, component: Component = clientComponent(role)): string {
  const paths = certificatePaths(component);
  const name = q.text(cluster.metadata.name, 'metadata.name');
  const config = {
    apiVersion: 'v1',
    kind: 'Config',
    clusters: [{ name, cluster: { server: q.text(apiServerUrl(cluster, role), 'spec.kubernetes.api.domain'), 'certificate-authority': paths.ca } }],
    users: [{ name: component, user: { 'client-certificate': paths.cert, 'client-key': paths.key } }],
    contexts: [{ name: 'default', context: { cluster: name, user: component } }],
    'current-context': 'default',
  };
  return `${JSON.stringify(config, null, 2)}\n`;
}

/** The kubelet's KubeletConfiguration (JSON). */
export function kubeletConfigFile(q: Quoting, cluster: KvmCluster, role: NodeRole): string {
  const paths = certificatePaths(clientComponent(role));
  const { kubernetes } = cluster.spec;
  const dns = clusterDnsIp(kubernetes.api.serviceCIDR);
  if (dns === undefined) q.refuse('spec.kubernetes.api.serviceCIDR', `${JSON.stringify(kubernetes.api.serviceCIDR)} is not an IPv4 CIDR`);
  const config = {
    apiVersion: 'kubelet.config.k8s.io/v1beta1',
    kind: 'KubeletConfiguration',
    clusterDomain: q.text(kubernetes.dns.clusterDomain, 'spec.kubernetes.dns.clusterDomain'),
    clusterDNS: [dns ?? ''],
    cgroupDriver: 'systemd',
    containerRuntimeEndpoint: 'unix:///run/containerd/containerd.sock',
    tlsCertFile: paths.cert,
    tlsPrivateKeyFile: paths.key,
    authentication: { anonymous: { enabled: false }, webhook: { enabled: true }, x509: { clientCAFile: paths.ca } },
    authorization: { mode: 'Webhook' },
  };
  return `${JSON.stringify(config, null, 2)}\n`;
}
