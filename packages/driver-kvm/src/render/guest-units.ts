/**
 * systemd units of a guest node: certificate and etcd mounts, binary fetch, etcd, control plane,
 * kubelet. Every word of a command line is quoted for systemd (see `quote.ts`), and user-written
 * values are checked where they are used, with the spec field they come from: a value with a
 * control character, or a node label that is no Kubernetes label, fails the rendering.
 */
import { Component, NodeRole } from '@kubeception/sdk';
import { certificatePaths } from './certificates.js';
import type { KvmCluster } from './cluster.js';
import { clientComponent, ETCD_VERSION, etcdBinDir, GuestPath, kubernetesBinDir } from './guest-files.js';
import { CERTIFICATE_MOUNT_TAG, ETCD_MOUNT_TAG, LauncherPath } from './launcher.js';
import { masterNodes, poolPath, type VmNode } from './nodes.js';
import type { Quoting } from './quote.js';

/** An Ignition v3 systemd unit. */
export interface IgnitionUnit {
  /** The unit's file name, e.g. `kubelet.service`. */
  readonly name: string;
  /** Enabled at boot. */
  readonly enabled: boolean;
  /** The unit file's text. */
  readonly contents: string;
}

const FETCH_UNIT = 'kubeception-fetch.service';
const CERTS_MOUNT = 'etc-kubernetes-ssl.mount';
const ETCD_MOUNT = 'var-lib-etcd.mount';

interface ServiceOptions {
  readonly description: string;
  readonly after: readonly string[];
  readonly exec: readonly (readonly string[])[];
  readonly oneshot?: boolean;
}

/** A `.service` unit; `after` units are also required. Each command line word is quoted for systemd. */
function service(q: Quoting, name: string, o: ServiceOptions): IgnitionUnit {
  const deps = o.after.join(' ');
  const lines = [
    '[Unit]',
    `Description=${q.unitText(o.description, `${name} description`)}`,
    ...(deps ? [`Requires=${deps}`, `After=${deps}`] : []),
    '',
    '[Service]',
    ...(o.oneshot ? ['Type=oneshot', 'RemainAfterExit=yes'] : []),
    ...o.exec.map((words) => `ExecStart=${words.map((word) => q.systemdArg(word, `${name} command line`)).join(' \\\n  ')}`),
    ...(o.oneshot ? [] : ['Restart=always', 'RestartSec=5']),
    '',
    '[Install]',
    'WantedBy=multi-user.target',
    '',
  ];
  return { name, enabled: true, contents: lines.join('\n') };
}

/** A 9p mount of a launcher share. */
function mount(name: string, tag: string, where: string, readOnly: boolean): IgnitionUnit {
  const options = ['trans=virtio', 'version=9p2000.L', readOnly ? 'ro' : 'rw'].join(',');
  const contents = [
    '[Unit]',
    `Description=Launcher share ${tag}`,
    '',
    '[Mount]',
    `What=${tag}`,
    `Where=${where}`,
    'Type=9p',
    `Options=${options}`,
    '',
    '[Install]',
    'WantedBy=local-fs.target',
    '',
  ];
  return { name, enabled: true, contents: contents.join('\n') };
}

const flag = (key: string, value: string | number | boolean) => `--${key}=${String(value)}`;
const tls = (prefix: string, component: Component) => {
  const p = certificatePaths(component);
  return [flag(`${prefix}cert-file`, p.cert), flag(`${prefix}key-file`, p.key), flag(`${prefix}trusted-ca-file`, p.ca)];
};

function etcdUnit(q: Quoting, cluster: KvmCluster, node: VmNode): IgnitionUnit {
  const peers = masterNodes(cluster).map((m) => `${m.name}=https://${m.name}:2380`);
  return service(q, 'etcd.service', {
    description: `etcd ${ETCD_VERSION}`,
    after: [FETCH_UNIT, CERTS_MOUNT, ETCD_MOUNT],
    exec: [
      [
        `${etcdBinDir(ETCD_VERSION)}/etcd`,
        flag('name', node.name),
        flag('data-dir', GuestPath.EtcdData),
        flag('listen-client-urls', 'https://0.0.0.0:2379'),
        flag('advertise-client-urls', `https://${node.name}:2379`),
        flag('listen-peer-urls', 'https://0.0.0.0:2380'),
        flag('initial-advertise-peer-urls', `https://${node.name}:2380`),
        flag('initial-cluster', peers.join(',')),
        flag('initial-cluster-token', cluster.id),
        flag('initial-cluster-state', 'new'),
        flag('client-cert-auth', true),
        flag('peer-client-cert-auth', true),
        ...tls('', Component.Etcd),
        ...tls('peer-', Component.Etcd),
      ],
    ],
  });
}

function apiServerUnit(q: Quoting, cluster: KvmCluster): IgnitionUnit {
  const { version, api } = cluster.spec.kubernetes;
  const [apiCert, etcd, sa] = [certificatePaths(Component.Api), certificatePaths(Component.Etcd), certificatePaths(Component.ServiceAccount)];
  return service(q, 'kube-apiserver.service', {
    description: `Kubernetes API server ${version}`,
    after: [FETCH_UNIT, CERTS_MOUNT, 'etcd.service'],
    exec: [
      [
        `${kubernetesBinDir(version)}/kube-apiserver`,
        flag('bind-address', '0.0.0.0'),
        flag('secure-port', api.securePort),
        flag('etcd-servers', 'https://127.0.0.1:2379'),
        flag('etcd-cafile', etcd.ca),
        flag('etcd-certfile', etcd.cert),
        flag('etcd-keyfile', etcd.key),
        flag('tls-cert-file', apiCert.cert),
        flag('tls-private-key-file', apiCert.key),
        flag('client-ca-file', apiCert.ca),
        flag('kubelet-client-certificate', apiCert.cert),
        flag('kubelet-client-key', apiCert.key),
        flag('service-cluster-ip-range', q.text(api.serviceCIDR, 'spec.kubernetes.api.serviceCIDR')),
        flag('service-account-issuer', `https://${q.text(api.domain, 'spec.kubernetes.api.domain')}`),
        flag('service-account-key-file', sa.cert),
        flag('service-account-signing-key-file', sa.key),
        flag('authorization-mode', 'Node,RBAC'),
        flag('enable-admission-plugins', 'NodeRestriction'),
        flag('allow-privileged', true),
      ],
    ],
  });
}

function controllerManagerUnit(q: Quoting, cluster: KvmCluster): IgnitionUnit {
  const { version } = cluster.spec.kubernetes;
  return service(q, 'kube-controller-manager.service', {
    description: `Kubernetes controller manager ${version}`,
    after: [FETCH_UNIT, CERTS_MOUNT, 'kube-apiserver.service'],
    exec: [
      [
        `${kubernetesBinDir(version)}/kube-controller-manager`,
        flag('kubeconfig', `${GuestPath.KubeconfigDir}/controller-manager.json`),
        flag('cluster-name', q.text(cluster.metadata.name, 'metadata.name')),
        flag('service-account-private-key-file', certificatePaths(Component.ServiceAccount).key),
        flag('root-ca-file', certificatePaths(Component.Api).ca),
        flag('use-service-account-credentials', true),
        flag('leader-elect', true),
      ],
    ],
  });
}

function schedulerUnit(q: Quoting, cluster: KvmCluster): IgnitionUnit {
  const { version } = cluster.spec.kubernetes;
  return service(q, 'kube-scheduler.service', {
    description: `Kubernetes scheduler ${version}`,
    after: [FETCH_UNIT, CERTS_MOUNT, 'kube-apiserver.service'],
    exec: [[`${kubernetesBinDir(version)}/kube-scheduler`, flag('kubeconfig', `${GuestPath.KubeconfigDir}/scheduler.json`), flag('leader-elect', true)]],
  });
}

/**
 * `--node-labels`: `<key>=<value>` pairs joined by `,`, which the kubelet splits again, so each key
 * and value must be a Kubernetes label key and value (neither holds `,` or `=`).
 */
function nodeLabelsFlag(q: Quoting, cluster: KvmCluster, node: VmNode): string {
  const pool = node.pool === undefined ? undefined : poolPath(cluster, node.pool);
  const labels: [string, string, string][] = [
    ['kubeception.io/role', node.role, 'node role'],
    ...(node.pool === undefined ? [] : [['kubeception.io/pool', node.pool, `${pool}.name`] as [string, string, string]]),
    ...Object.entries(node.labels ?? {}).map(([k, v]): [string, string, string] => [k, v, `${pool}.labels[${JSON.stringify(k)}]`]),
  ];
  return labels.map(([key, value, field]) => `${q.labelKey(key, `${field} (key)`)}=${q.labelValue(value, field)}`).join(',');
}

function kubeletUnit(q: Quoting, cluster: KvmCluster, node: VmNode): IgnitionUnit {
  const { version } = cluster.spec.kubernetes;
  return service(q, 'kubelet.service', {
    description: `Kubernetes kubelet ${version} (${clientComponent(node.role)} identity)`,
    after: [FETCH_UNIT, CERTS_MOUNT, 'containerd.service'],
    exec: [
      [
        `${kubernetesBinDir(version)}/kubelet`,
        flag('config', GuestPath.KubeletConfig),
        flag('kubeconfig', `${GuestPath.KubeconfigDir}/kubelet.json`),
        flag('hostname-override', node.name),
        flag('node-labels', nodeLabelsFlag(q, cluster, node)),
        ...(node.role === NodeRole.Master ? [flag('register-with-taints', 'node-role.kubernetes.io/control-plane=:NoSchedule')] : []),
      ],
    ],
  });
}

/** The Kubernetes binaries a node of `role` runs. */
export const binariesFor = (role: NodeRole) =>
  role === NodeRole.Master ? ['kubelet', 'kube-apiserver', 'kube-controller-manager', 'kube-scheduler'] : ['kubelet'];

/** Every systemd unit of a node, in a fixed order; user-written values pass through `q`. */
export function guestUnits(q: Quoting, cluster: KvmCluster, node: VmNode): IgnitionUnit[] {
  // the version names the binaries' directory (and the fetch script's download URLs)
  const version = q.pathSegment(cluster.spec.kubernetes.version, 'spec.kubernetes.version');
  const checked: KvmCluster = {
    ...cluster,
    spec: { ...cluster.spec, kubernetes: { ...cluster.spec.kubernetes, version: version as typeof cluster.spec.kubernetes.version } },
  };
  const master = node.role === NodeRole.Master;
  const fetch = service(q, FETCH_UNIT, {
    description: `Fetch Kubernetes ${version}${master ? ` and etcd ${ETCD_VERSION}` : ''}`,
    after: ['network-online.target'],
    oneshot: true,
    exec: [[GuestPath.Fetch, 'kubernetes', version, ...binariesFor(node.role)], ...(master ? [[GuestPath.Fetch, 'etcd', ETCD_VERSION]] : [])],
  });
  return [
    mount(CERTS_MOUNT, CERTIFICATE_MOUNT_TAG, LauncherPath.CertificateDir, true),
    ...(master ? [mount(ETCD_MOUNT, ETCD_MOUNT_TAG, GuestPath.EtcdData, false)] : []),
    fetch,
    ...(master ? [etcdUnit(q, checked, node), apiServerUnit(q, checked), controllerManagerUnit(q, checked), schedulerUnit(q, checked)] : []),
    kubeletUnit(q, checked, node),
  ];
}
