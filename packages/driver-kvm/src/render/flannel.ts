/**
 * The cluster's host network: flannel's network config (written by the driver to the host's
 * flannel store under {@link flannelEtcdPrefix}) and a per-cluster flannel DaemonSet.
 *
 * The DaemonSet lives in host namespace `<cluster-id>` with everything else (one place to find and
 * delete a cluster; its pods use the host network, so a separate namespace would isolate nothing).
 * What it touches on the hosts (the bridge, the run directory, the store prefix) is named from
 * the cluster ID, so two Clusters of one name in two namespaces never share any of it.
 */
import { Label } from '@kubeception/sdk';
import type { Result } from 'neverthrow';
import type { KvmCluster, KvmClusterIdentity } from './cluster.js';
import { bridgeName, clusterLabels, flannelRunHostDir, KvmComponent, KvmLabel, ObjectName, objectMeta } from './names.js';
import type { Container, DaemonSet, PodSpec, Volume } from './objects.js';
import { quoting, type Quoting, type Unrenderable } from './quote.js';

/** flannel image of the DaemonSet (flanneld and the bridge setup). */
export const FLANNEL_IMAGE = 'ghcr.io/flannel-io/flannel:v0.26.7';

/** A cluster's allocated flannel network. */
export interface FlannelNetwork {
  /** The cluster's VXLAN network, e.g. `10.1.3.0/24`. */
  readonly network: string;
  /** VXLAN network identifier. */
  readonly vni: number;
}

/** flannel's network config (the JSON flanneld reads from `<prefix>/config`). */
export interface FlannelNetworkConfig {
  /** The cluster's flannel network (CIDR). */
  readonly Network: string;
  /** Prefix length of each host's subnet of `Network`. */
  readonly SubnetLen: number;
  /** The VXLAN backend and its VNI. */
  readonly Backend: { readonly Type: 'vxlan'; readonly VNI: number };
}

/** `/kubeception/<cluster-id>/network`: the cluster's key prefix in the host flannel store (shared by every Cluster of the host). */
export const flannelEtcdPrefix = (clusterId: string) => `/kubeception/${clusterId}/network`;

/** `{ Network, SubnetLen, Backend: { Type: 'vxlan', VNI } }`; `SubnetLen` from `spec.network.flannel.subnetLen`. */
export function flannelNetworkConfig(cluster: KvmCluster, network: FlannelNetwork): FlannelNetworkConfig {
  return { Network: network.network, SubnetLen: cluster.spec.network.flannel.subnetLen, Backend: { Type: 'vxlan', VNI: network.vni } };
}

/** Options of the cluster's flanneld DaemonSet. */
export interface FlannelDaemonSetOptions {
  /** Client URLs of the host flannel store (etcd v3). */
  readonly etcdEndpoints: readonly string[];
  /** A `kubernetes.io/tls` Secret in host namespace `<cluster-id>` with the host store's client certificate. @default none (plain connection) */
  readonly etcdTlsSecretName?: string;
  /** flanneld image. @default `FLANNEL_IMAGE`, the flannel release the driver is tested with */
  readonly image?: string;
}

const ETCD_TLS_DIR = '/etc/flannel/etcd';

function flanneld(clusterId: string, options: FlannelDaemonSetOptions, image: string): Container {
  const tlsFlags =
    options.etcdTlsSecretName === undefined
      ? []
      : [`--etcd-certfile=${ETCD_TLS_DIR}/tls.crt`, `--etcd-keyfile=${ETCD_TLS_DIR}/tls.key`, `--etcd-cafile=${ETCD_TLS_DIR}/ca.crt`];
  return {
    name: 'flanneld',
    image,
    command: ['/opt/bin/flanneld'],
    args: [
      `--etcd-endpoints=${options.etcdEndpoints.join(',')}`,
      `--etcd-prefix=${flannelEtcdPrefix(clusterId)}`,
      '--subnet-file=/run/flannel/subnet.env',
      '--ip-masq=false',
      ...tlsFlags,
    ],
    securityContext: { capabilities: { add: ['NET_ADMIN', 'NET_RAW'] } },
    resources: { requests: { cpu: '50m', memory: '64Mi' }, limits: { memory: '128Mi' } },
    volumeMounts: [
      { name: 'run', mountPath: '/run/flannel' },
      ...(options.etcdTlsSecretName === undefined ? [] : [{ name: 'etcd-tls', mountPath: ETCD_TLS_DIR, readOnly: true }]),
    ],
  };
}

/** Init container: creates bridge `br-<cluster-id>` (idempotent); the launcher gives it an address. */
function bridgeSetup(q: Quoting, clusterId: string, image: string): Container {
  const br = q.shell(bridgeName(clusterId), 'metadata.name (bridge name)');
  return {
    name: 'bridge',
    image,
    command: ['/bin/sh', '-c', `ip link show ${br} >/dev/null 2>&1 || ip link add ${br} type bridge; ip link set ${br} up`],
    securityContext: { capabilities: { add: ['NET_ADMIN'] } },
  };
}

/**
 * DaemonSet `flannel` on the VM hosts (`nodeSelector` of the spec): flanneld joins this host to
 * the cluster's VXLAN network and leases it a subnet (written to `/run/flannel/<cluster-id>/subnet.env`
 * on the host, read by the launcher); the `bridge` init container creates `br-<cluster-id>`.
 * Removing the bridge on deletion is the driver's job (flannel never does it).
 */
export function renderFlannelDaemonSet(cluster: KvmCluster, options: FlannelDaemonSetOptions): Result<DaemonSet, Unrenderable> {
  const q = quoting();
  const image = options.image ?? FLANNEL_IMAGE;
  const volumes: Volume[] = [
    { name: 'run', hostPath: { path: flannelRunHostDir(cluster.id), type: 'DirectoryOrCreate' } },
    ...(options.etcdTlsSecretName === undefined ? [] : [{ name: 'etcd-tls', secret: { secretName: options.etcdTlsSecretName, defaultMode: 0o400 } }]),
  ];
  const daemonSet = hostDaemonSet(cluster, ObjectName.FlannelDaemonSet, KvmComponent.Flannel, {
    nodeSelector: cluster.spec.provider.kvm.nodeSelector,
    updateStrategy: { type: 'RollingUpdate', rollingUpdate: { maxUnavailable: 1 } },
    pod: { initContainers: [bridgeSetup(q, cluster.id, image)], containers: [flanneld(cluster.id, options, image)], volumes },
  });
  return q.result(daemonSet);
}

/** What sets one host DaemonSet apart from another. */
interface HostDaemonSetParts {
  /** The VM hosts (`spec.provider.kvm.nodeSelector`); every host when unset. */
  readonly nodeSelector: Readonly<Record<string, string>> | undefined;
  readonly updateStrategy?: NonNullable<DaemonSet['spec']>['updateStrategy'];
  readonly pod: Pick<PodSpec, 'initContainers' | 'containers' | 'volumes'>;
}

/**
 * A DaemonSet of host-network pods on the cluster's VM hosts (`nodeSelector`), in host
 * namespace `<cluster-id>`, selected by the cluster and `component`.
 */
function hostDaemonSet(cluster: KvmClusterIdentity, objectName: string, component: string, parts: HostDaemonSetParts): DaemonSet {
  const name = cluster.metadata.name;
  const selector = { [Label.Cluster]: name, [KvmLabel.Component]: component };
  const { nodeSelector } = parts;
  return {
    apiVersion: 'apps/v1',
    kind: 'DaemonSet',
    metadata: objectMeta(cluster, objectName, { ...clusterLabels(cluster), [KvmLabel.Component]: component }),
    spec: {
      selector: { matchLabels: selector },
      ...(parts.updateStrategy ? { updateStrategy: parts.updateStrategy } : {}),
      template: {
        metadata: { labels: { ...clusterLabels(cluster), ...selector } },
        spec: {
          hostNetwork: true,
          automountServiceAccountToken: false,
          ...(nodeSelector === undefined ? {} : { nodeSelector: { ...nodeSelector } }),
          ...parts.pod,
        },
      },
    },
  };
}

/** Name of the DaemonSet that removes a deleted cluster's bridge and VXLAN device from every host. */
export const BRIDGE_CLEANUP_DAEMONSET = 'bridge-cleanup';

/** Options of {@link renderBridgeCleanupDaemonSet}. */
export interface BridgeCleanupOptions {
  /** Image with `ip` and a shell. @default {@link FLANNEL_IMAGE} */
  readonly image?: string | undefined;
  /**
   * The VM hosts (`spec.provider.kvm.nodeSelector`). @default every host node (what a Cluster
   * whose provider spec no longer parses gets: the script does nothing where there is no bridge)
   */
  readonly nodeSelector?: Readonly<Record<string, string>> | undefined;
}

/**
 * DaemonSet `bridge-cleanup`, run only while a cluster is deleted (after its VMs and flanneld are
 * gone): on every VM host it deletes `br-<cluster>` and flannel's `flannel.<vni>` device and
 * `subnet.env`, then stays Ready, so the driver knows every host is clean when
 * `numberReady == desiredNumberScheduled`. flannel never removes them itself, and a preStop hook
 * on flanneld would cut running VMs off on every flanneld restart. Needs only the Cluster's
 * identity and its VNI: never its provider spec.
 */
export function renderBridgeCleanupDaemonSet(cluster: KvmClusterIdentity, vni: number, options: BridgeCleanupOptions = {}): Result<DaemonSet, Unrenderable> {
  const image = options.image ?? FLANNEL_IMAGE;
  const q = quoting();
  if (!Number.isSafeInteger(vni) || vni < 0) q.refuse('status.network.flannel.vni', `${vni} is not a VNI`);
  const bridge = q.shell(bridgeName(cluster.id), 'metadata.name (bridge name)');
  const vxlan = q.shell(`flannel.${vni}`, 'status.network.flannel.vni');
  const script = [
    `ip link del ${bridge} 2>/dev/null || true`,
    `ip link del ${vxlan} 2>/dev/null || true`,
    'rm -f /run/flannel/subnet.env',
    'touch /tmp/clean',
    'exec sleep 2147483647',
  ].join('; ');
  const daemonSet = hostDaemonSet(cluster, BRIDGE_CLEANUP_DAEMONSET, BRIDGE_CLEANUP_DAEMONSET, {
    nodeSelector: options.nodeSelector,
    pod: {
      containers: [
        {
          name: 'cleanup',
          image,
          command: ['/bin/sh', '-c', script],
          securityContext: { capabilities: { add: ['NET_ADMIN'] } },
          readinessProbe: { exec: { command: ['test', '-f', '/tmp/clean'] }, periodSeconds: 2 },
          resources: { requests: { cpu: '10m', memory: '16Mi' }, limits: { memory: '32Mi' } },
          volumeMounts: [{ name: 'run', mountPath: '/run/flannel' }],
        },
      ],
      volumes: [{ name: 'run', hostPath: { path: flannelRunHostDir(cluster.id), type: 'DirectoryOrCreate' } }],
    },
  });
  return q.result(daemonSet);
}
