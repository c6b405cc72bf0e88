/**
 * The cluster's host network: flannel's network config (written by the driver to the host's
 * flannel store under {@link flannelEtcdPrefix}) and a per-cluster flannel DaemonSet.
 *
 * The DaemonSet lives in namespace `<cluster>` with everything else (one place to find and
 * delete a cluster; its pods use the host network, so a separate namespace would isolate nothing).
 */
import { Label } from '@kubeception/sdk';
import type { KvmCluster } from './cluster.js';
import { bridgeName, clusterLabels, flannelRunHostDir, KvmComponent, KvmLabel, ObjectName, objectMeta } from './names.js';
import type { Container, DaemonSet, PodSpec, Volume } from './objects.js';

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
  readonly Network: string;
  readonly SubnetLen: number;
  readonly Backend: { readonly Type: 'vxlan'; readonly VNI: number };
}

/** `/kubeception/<cluster>/network`: the cluster's key prefix in the host flannel store. */
export const flannelEtcdPrefix = (cluster: string) => `/kubeception/${cluster}/network`;

/** `{ Network, SubnetLen, Backend: { Type: 'vxlan', VNI } }`; `SubnetLen` from `spec.network.flannel.subnetLen`. */
export function flannelNetworkConfig(cluster: KvmCluster, network: FlannelNetwork): FlannelNetworkConfig {
  return { Network: network.network, SubnetLen: cluster.spec.network.flannel.subnetLen, Backend: { Type: 'vxlan', VNI: network.vni } };
}

/** Options of {@link renderFlannelDaemonSet}. */
export interface FlannelDaemonSetOptions {
  /** Client URLs of the host flannel store (etcd v3). */
  readonly etcdEndpoints: readonly string[];
  /** A `kubernetes.io/tls` Secret in namespace `<cluster>` with the host store's client certificate. @default none (plain connection) */
  readonly etcdTlsSecretName?: string;
  /** @default {@link FLANNEL_IMAGE} */
  readonly image?: string;
}

const ETCD_TLS_DIR = '/etc/flannel/etcd';

function flanneld(cluster: string, options: FlannelDaemonSetOptions, image: string): Container {
  const tlsFlags = options.etcdTlsSecretName === undefined ? [] : [`--etcd-certfile=${ETCD_TLS_DIR}/tls.crt`, `--etcd-keyfile=${ETCD_TLS_DIR}/tls.key`, `--etcd-cafile=${ETCD_TLS_DIR}/ca.crt`];
  return {
    name: 'flanneld',
    image,
    command: ['/opt/bin/flanneld'],
    args: [`--etcd-endpoints=${options.etcdEndpoints.join(',')}`, `--etcd-prefix=${flannelEtcdPrefix(cluster)}`, '--subnet-file=/run/flannel/subnet.env', '--ip-masq=false', ...tlsFlags],
    securityContext: { capabilities: { add: ['NET_ADMIN', 'NET_RAW'] } },
    resources: { requests: { cpu: '50m', memory: '64Mi' }, limits: { memory: '128Mi' } },
    volumeMounts: [{ name: 'run', mountPath: '/run/flannel' }, ...(options.etcdTlsSecretName === undefined ? [] : [{ name: 'etcd-tls', mountPath: ETCD_TLS_DIR, readOnly: true }])],
  };
}

/** Init container: creates bridge `br-<cluster>` (idempotent); the launcher gives it an address. */
function bridgeSetup(cluster: string, image: string): Container {
  const br = bridgeName(cluster);
  return {
    name: 'bridge',
    image,
    command: ['/bin/sh', '-c', `ip link show ${br} >/dev/null 2>&1 || ip link add ${br} type bridge; ip link set ${br} up`],
    securityContext: { capabilities: { add: ['NET_ADMIN'] } },
  };
}

/**
 * DaemonSet `flannel` on the VM hosts (`nodeSelector` of the spec): flanneld joins this host to
 * the cluster's VXLAN network and leases it a subnet (written to `/run/flannel/<cluster>/subnet.env`
 * on the host, read by the launcher); the `bridge` init container creates `br-<cluster>`.
 * Removing the bridge on deletion is the driver's job (flannel never does it).
 */
export function renderFlannelDaemonSet(cluster: KvmCluster, options: FlannelDaemonSetOptions): DaemonSet {
  const name = cluster.metadata.name;
  const image = options.image ?? FLANNEL_IMAGE;
  const volumes: Volume[] = [
    { name: 'run', hostPath: { path: flannelRunHostDir(name), type: 'DirectoryOrCreate' } },
    ...(options.etcdTlsSecretName === undefined ? [] : [{ name: 'etcd-tls', secret: { secretName: options.etcdTlsSecretName, defaultMode: 0o400 } }]),
  ];
  return hostDaemonSet(cluster, ObjectName.FlannelDaemonSet, KvmComponent.Flannel, {
    updateStrategy: { type: 'RollingUpdate', rollingUpdate: { maxUnavailable: 1 } },
    pod: { initContainers: [bridgeSetup(name, image)], containers: [flanneld(name, options, image)], volumes },
  });
}

/**
 * A DaemonSet of host-network pods on the cluster's VM hosts (its `nodeSelector`), in namespace
 * `<cluster>`, selected by the cluster and `component`.
 */
function hostDaemonSet(cluster: KvmCluster, objectName: string, component: string, parts: { readonly updateStrategy?: NonNullable<DaemonSet['spec']>['updateStrategy']; readonly pod: Pick<PodSpec, 'initContainers' | 'containers' | 'volumes'> }): DaemonSet {
  const name = cluster.metadata.name;
  const selector = { [Label.Cluster]: name, [KvmLabel.Component]: component };
  const { nodeSelector } = cluster.spec.provider.kvm;
  return {
    apiVersion: 'apps/v1',
    kind: 'DaemonSet',
    metadata: objectMeta(name, objectName, { ...clusterLabels(name), [KvmLabel.Component]: component }),
    spec: {
      selector: { matchLabels: selector },
      ...(parts.updateStrategy ? { updateStrategy: parts.updateStrategy } : {}),
      template: {
        metadata: { labels: { ...clusterLabels(name), ...selector } },
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

/**
 * DaemonSet `bridge-cleanup`, run only while a cluster is deleted (after its VMs and flanneld are
 * gone): on every VM host it deletes `br-<cluster>` and flannel's `flannel.<vni>` device and
 * `subnet.env`, then stays Ready, so the driver knows every host is clean when
 * `numberReady == desiredNumberScheduled`. flannel never removes them itself, and a preStop hook
 * on flanneld would cut running VMs off on every flanneld restart.
 */
export function renderBridgeCleanupDaemonSet(cluster: KvmCluster, vni: number, image: string = FLANNEL_IMAGE): DaemonSet {
  const name = cluster.metadata.name;
  const script = [`ip link del ${bridgeName(name)} 2>/dev/null || true`, `ip link del flannel.${vni} 2>/dev/null || true`, 'rm -f /run/flannel/subnet.env', 'touch /tmp/clean', 'exec sleep 2147483647'].join('; ');
  return hostDaemonSet(cluster, BRIDGE_CLEANUP_DAEMONSET, BRIDGE_CLEANUP_DAEMONSET, {
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
      volumes: [{ name: 'run', hostPath: { path: flannelRunHostDir(name), type: 'DirectoryOrCreate' } }],
    },
  });
}
