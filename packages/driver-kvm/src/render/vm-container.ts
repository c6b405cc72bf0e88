/** The launcher container of a VM pod: environment, mounts, probe (see `launcher.ts` for the contract). */
import { NodeRole } from '@kubeception/sdk';
import { CERTIFICATES_VOLUME } from './certificates.js';
import type { KvmCluster } from './cluster.js';
import { ETCD_VOLUME } from './etcd-storage.js';
import { CERTIFICATE_MOUNT_TAG, ETCD_MOUNT_TAG, IGNITION_FW_CFG_NAME, LauncherEnv, LauncherPath, launcherHealthPort } from './launcher.js';
import { bridgeName, macAddress, tapName } from './names.js';
import type { VmNode } from './nodes.js';
import type { Container, EnvVar, VolumeMount } from './objects.js';
import type { VmSizes } from './vm-resources.js';

/** Name of the launcher container. */
export const LAUNCHER_CONTAINER = 'launcher';

/** Volume names of a VM pod besides the certificates and etcd volumes. */
export const VmVolume = {
  Boot: 'boot',
  DevKvm: 'dev-kvm',
  DevTun: 'dev-net-tun',
  Images: 'images',
  Vm: 'vm',
  Flannel: 'flannel-run',
} as const;
export type VmVolume = (typeof VmVolume)[keyof typeof VmVolume];

function guestImageEnv(cluster: KvmCluster): Record<string, string> {
  const { disk, kernel, initrd, cachePath } = cluster.spec.provider.kvm.guestImage;
  return {
    ...(disk === undefined ? {} : { [LauncherEnv.GuestDisk]: disk }),
    ...(kernel === undefined ? {} : { [LauncherEnv.GuestKernel]: kernel }),
    ...(initrd === undefined ? {} : { [LauncherEnv.GuestInitrd]: initrd }),
    [LauncherEnv.GuestImageCache]: cachePath,
  };
}

/** The launcher's environment, in a fixed order; `sizes` are the node's ({@link vmSizes}). */
export function launcherEnv(cluster: KvmCluster, node: VmNode, vni: number, sizes: Pick<VmSizes, 'memoryMib' | 'diskMib'>): EnvVar[] {
  const master = node.role === NodeRole.Master;
  const env: Record<string, string> = {
    [LauncherEnv.VmName]: node.name,
    [LauncherEnv.VmRole]: node.role,
    [LauncherEnv.VmCores]: String(node.cpus),
    [LauncherEnv.VmMemoryMib]: String(sizes.memoryMib),
    [LauncherEnv.VmDiskMib]: String(sizes.diskMib),
    [LauncherEnv.VmMac]: macAddress(cluster.id, node.name),
    [LauncherEnv.VmDir]: LauncherPath.VmDir,
    ...guestImageEnv(cluster),
    [LauncherEnv.BootConfigPath]: LauncherPath.BootConfigFile,
    [LauncherEnv.BootConfigFwCfg]: IGNITION_FW_CFG_NAME,
    [LauncherEnv.CertificateDir]: LauncherPath.CertificateDir,
    [LauncherEnv.CertificateMountTag]: CERTIFICATE_MOUNT_TAG,
    ...(master ? { [LauncherEnv.EtcdDataDir]: LauncherPath.EtcdDir, [LauncherEnv.EtcdMountTag]: ETCD_MOUNT_TAG } : {}),
    [LauncherEnv.Bridge]: bridgeName(cluster.id),
    [LauncherEnv.Tap]: tapName(cluster.id),
    [LauncherEnv.FlannelSubnetFile]: LauncherPath.FlannelSubnetFile,
    [LauncherEnv.HealthPort]: String(launcherHealthPort(vni)),
  };
  const fromField = (name: string, fieldPath: string): EnvVar => ({ name, valueFrom: { fieldRef: { fieldPath } } });
  return [
    ...Object.entries(env).map(([key, value]) => ({ name: key, value })),
    fromField(LauncherEnv.PodName, 'metadata.name'),
    fromField(LauncherEnv.PodNamespace, 'metadata.namespace'),
  ];
}

function launcherMounts(cluster: KvmCluster, node: VmNode): VolumeMount[] {
  const cachePath = cluster.spec.provider.kvm.guestImage.cachePath;
  return [
    { name: VmVolume.Boot, mountPath: LauncherPath.BootConfigDir, readOnly: true },
    { name: CERTIFICATES_VOLUME, mountPath: LauncherPath.CertificateDir, readOnly: true },
    { name: VmVolume.DevKvm, mountPath: '/dev/kvm' },
    { name: VmVolume.DevTun, mountPath: '/dev/net/tun' },
    { name: VmVolume.Images, mountPath: cachePath },
    { name: VmVolume.Vm, mountPath: LauncherPath.VmDir },
    { name: VmVolume.Flannel, mountPath: LauncherPath.FlannelRunDir, readOnly: true },
    ...(node.role === NodeRole.Master ? [{ name: ETCD_VOLUME, mountPath: LauncherPath.EtcdDir }] : []),
  ];
}

/** The privileged QEMU launcher container of a node; `sizes` are the node's ({@link vmSizes}). */
export function launcherContainer(cluster: KvmCluster, node: VmNode, vni: number, sizes: VmSizes): Container {
  const port = launcherHealthPort(vni);
  return {
    name: LAUNCHER_CONTAINER,
    image: cluster.spec.provider.kvm.launcher.image,
    env: launcherEnv(cluster, node, vni, sizes),
    ports: [{ name: 'health', containerPort: port, hostPort: port, protocol: 'TCP' }],
    resources: sizes.resources,
    securityContext: { privileged: true },
    volumeMounts: launcherMounts(cluster, node),
    readinessProbe: { httpGet: { path: '/readyz', port: 'health' }, periodSeconds: 10, failureThreshold: 3 },
  };
}
