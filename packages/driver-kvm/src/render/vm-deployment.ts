/** One Deployment `<node>` per VM: replicas 1, Recreate, a privileged QEMU launcher on the host network. */
import { Label, NodeRole } from '@kubeception/sdk';
import type { Result } from 'neverthrow';
import { bootConfigHash, bootConfigMapName } from './boot-config.js';
import { certificateVolume } from './certificates.js';
import type { KvmCluster } from './cluster.js';
import { etcdVolume } from './etcd-storage.js';
import { VM_TERMINATION_GRACE_SECONDS } from './launcher.js';
import { flannelRunHostDir, KvmAnnotation, KvmComponent, KvmLabel, nodeLabels, ObjectName, objectMeta } from './names.js';
import { machinePath, type VmNode } from './nodes.js';
import type { Deployment, PodSpec, Volume } from './objects.js';
import type { Unrenderable } from './quote.js';
import { launcherContainer, VmVolume } from './vm-container.js';
import { vmSizes, type VmSizes } from './vm-resources.js';

/** Topology key of the VM anti-affinity: at most one VM of a cluster per host node. */
export const ANTI_AFFINITY_TOPOLOGY_KEY = 'kubernetes.io/hostname';

/** Labels shared by all VM pods of a cluster; the anti-affinity selects on them. */
export function vmPodSelector(cluster: string): Record<string, string> {
  return { [Label.Cluster]: cluster, [KvmLabel.Component]: KvmComponent.Vm };
}

/** The Deployment's (immutable) selector: the cluster and the node. */
export function vmDeploymentSelector(cluster: string, node: string): Record<string, string> {
  return { [Label.Cluster]: cluster, [KvmLabel.Node]: node };
}

function vmVolumes(cluster: KvmCluster, node: VmNode, sizes: VmSizes): Volume[] {
  const name = cluster.metadata.name;
  return [
    { name: VmVolume.Boot, configMap: { name: bootConfigMapName(node.name) } },
    certificateVolume(name, node.role),
    { name: VmVolume.DevKvm, hostPath: { path: '/dev/kvm', type: 'CharDevice' } },
    { name: VmVolume.DevTun, hostPath: { path: '/dev/net/tun', type: 'CharDevice' } },
    { name: VmVolume.Images, hostPath: { path: cluster.spec.provider.kvm.guestImage.cachePath, type: 'DirectoryOrCreate' } },
    { name: VmVolume.Vm, emptyDir: { sizeLimit: sizes.diskLimit } },
    { name: VmVolume.Flannel, hostPath: { path: flannelRunHostDir(cluster.id), type: 'DirectoryOrCreate' } },
    ...(node.role === NodeRole.Master ? [etcdVolume(cluster, node)] : []),
  ];
}

function vmPodSpec(cluster: KvmCluster, node: VmNode, vni: number, sizes: VmSizes): PodSpec {
  const name = cluster.metadata.name;
  const { nodeSelector } = cluster.spec.provider.kvm;
  return {
    serviceAccountName: ObjectName.ServiceAccount,
    hostNetwork: true,
    dnsPolicy: 'ClusterFirstWithHostNet',
    terminationGracePeriodSeconds: VM_TERMINATION_GRACE_SECONDS,
    ...(nodeSelector === undefined ? {} : { nodeSelector: { ...nodeSelector } }),
    affinity: {
      podAntiAffinity: {
        requiredDuringSchedulingIgnoredDuringExecution: [{ labelSelector: { matchLabels: vmPodSelector(name) }, topologyKey: ANTI_AFFINITY_TOPOLOGY_KEY }],
      },
    },
    containers: [launcherContainer(cluster, node, vni, sizes)],
    volumes: vmVolumes(cluster, node, sizes),
  };
}

/**
 * Deployment `<node>`: replicas 1 and `Recreate` (two QEMUs must never run the same VM),
 * required anti-affinity against the cluster's other VM pods by host name, the node's boot
 * ConfigMap and certificate Secrets mounted read-only, etcd storage for masters. The pod template
 * carries the boot config's hash, so a changed boot config (a new version) replaces the VM.
 *
 * `vni` is the cluster's VXLAN network identifier: it offsets the launcher's host port.
 * Fails when the node's boot config cannot be rendered (see `renderIgnition`), or its sizes
 * (`vmSizes`).
 */
export function renderVmDeployment(cluster: KvmCluster, node: VmNode, vni: number): Result<Deployment, Unrenderable> {
  const labels = nodeLabels(cluster, node);
  return vmSizes(node, machinePath(cluster, node)).andThen((sizes) =>
    bootConfigHash(cluster, node).map((hash): Deployment => ({
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      metadata: objectMeta(cluster, node.name, labels),
      spec: {
        replicas: 1,
        strategy: { type: 'Recreate' },
        revisionHistoryLimit: 2,
        selector: { matchLabels: vmDeploymentSelector(cluster.metadata.name, node.name) },
        template: {
          metadata: {
            labels: { ...labels, [KvmLabel.Component]: KvmComponent.Vm },
            annotations: { [KvmAnnotation.BootConfigHash]: hash, [KvmAnnotation.KubernetesVersion]: cluster.spec.kubernetes.version },
          },
          spec: vmPodSpec(cluster, node, vni, sizes),
        },
      },
    })),
  );
}
