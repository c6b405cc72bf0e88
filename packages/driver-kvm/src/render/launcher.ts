/**
 * The VM launcher contract: what the QEMU launcher container receives and must provide.
 *
 * ## What the launcher gets
 * - Environment variables named by {@link LauncherEnv} (sizes, guest image, paths, bridge/tap, MAC).
 * - The node's Ignition config at {@link LauncherPath.BootConfigFile} (ConfigMap, read-only).
 * - The component certificates under {@link LauncherPath.CertificateDir}`/<component>/{tls.crt,tls.key,ca.crt}`
 *   (projected Secrets, read-only, mode 0400).
 * - Masters: a writable etcd data directory at {@link LauncherPath.EtcdDir}.
 * - The host's flannel subnet file of this cluster at {@link LauncherPath.FlannelSubnetFile}.
 * - `/dev/kvm`, `/dev/net/tun`, the host network namespace and a privileged security context.
 *
 * A guest image given as a host path must lie under `guestImage.cachePath`: that is the only host
 * directory the VM pod mounts. The launcher image is built from `launcher/Dockerfile`; its script
 * is `launcher/launcher.sh` (see `launcher/README.md`).
 *
 * ## What the launcher must do
 * 1. Fetch the guest image into the cache (`GUEST_IMAGE_CACHE`) if missing; create a
 *    copy-on-write root disk of `VM_DISK_MIB` in `VM_DIR`.
 * 2. Give bridge `BRIDGE` the first address of the host's flannel subnet (`ip addr replace`, idempotent),
 *    create tap `TAP` on it, and hand the VM the second address by DHCP on that tap.
 * 3. Run `qemu-system-x86_64` as a child (the launcher stays to serve health and turn SIGTERM into ACPI) with `VM_CORES`, `VM_MEMORY_MIB`, `VM_MAC`, the boot config as
 *    fw_cfg `BOOT_CONFIG_FW_CFG`, the certificate directory as a read-only 9p share tagged
 *    `CERTIFICATE_MOUNT_TAG` (masters also `ETCD_DATA_DIR` read-write as `ETCD_MOUNT_TAG`).
 *    Certificates are read from the mounted Secrets at start, never from the ConfigMap.
 * 4. Serve HTTP on `HEALTH_PORT` (host network): `GET /healthz` 200 while QEMU runs;
 *    `GET /readyz` 200 once the guest has an address and its kubelet (workers) or API server
 *    (masters) accepts TCP connections, 503 before; `GET /status` → `{"ip": "<vm ip>"}`.
 * 5. Annotate its pod (`POD_NAME` in `POD_NAMESPACE`, through the pod's service account) with
 *    `kvm.kubeception.io/vm-ip: <address>` once the guest has taken its address.
 * 6. On SIGTERM, ask the guest to power off (ACPI) and exit within the grace period.
 */

/** CPU the launcher pod needs beyond the guest's vCPUs: 1 core for QEMU's emulator and I/O threads and the launcher. */
export const QEMU_CPU_OVERHEAD = 1;
/** Memory (MiB) the launcher pod needs beyond guest RAM: 512Mi for QEMU's heap, device models, page tables and the launcher. */
export const QEMU_MEMORY_OVERHEAD_MIB = 512;
/** Grace period for the guest's ACPI shutdown on pod termination, in seconds. */
export const VM_TERMINATION_GRACE_SECONDS = 120;

/** Paths inside the launcher container (and, for certificates, inside the guest too). */
export const LauncherPath = {
  /** Directory of the mounted boot ConfigMap. */
  BootConfigDir: '/etc/kubeception/boot',
  /** The node's Ignition config (key `config.ign` of the ConfigMap). */
  BootConfigFile: '/etc/kubeception/boot/config.ign',
  /** Certificates: `<component>/tls.crt`, `tls.key`, `ca.crt`. The same path in the guest. */
  CertificateDir: '/etc/kubernetes/ssl',
  /** The VM's working directory (root disk overlay, QEMU sockets). */
  VmDir: '/var/lib/kubeception/vm',
  /** Masters: etcd's data, shared into the guest at `/var/lib/etcd`. */
  EtcdDir: '/var/lib/kubeception/etcd',
  /** The host's flannel run directory of this cluster. */
  FlannelRunDir: '/run/flannel',
  /** flanneld's subnet lease on this host (`FLANNEL_SUBNET=…`). */
  FlannelSubnetFile: '/run/flannel/subnet.env',
} as const;
export type LauncherPath = (typeof LauncherPath)[keyof typeof LauncherPath];

/** Key of the Ignition config in the boot ConfigMap. */
export const BOOT_CONFIG_KEY = 'config.ign';
/** fw_cfg name under which Flatcar's Ignition reads its config on QEMU. */
export const IGNITION_FW_CFG_NAME = 'opt/org.flatcar-linux/config';
/** 9p mount tag of the read-only certificate share. */
export const CERTIFICATE_MOUNT_TAG = 'kubeception-certs';
/** 9p mount tag of the masters' etcd data share. */
export const ETCD_MOUNT_TAG = 'kubeception-etcd';

/** Environment variables the launcher reads. */
export const LauncherEnv = {
  VmName: 'VM_NAME',
  VmRole: 'VM_ROLE',
  VmCores: 'VM_CORES',
  VmMemoryMib: 'VM_MEMORY_MIB',
  VmDiskMib: 'VM_DISK_MIB',
  VmMac: 'VM_MAC',
  VmDir: 'VM_DIR',
  /** Guest disk image source (URL or host path); or the kernel and initrd pair below. */
  GuestDisk: 'GUEST_DISK',
  GuestKernel: 'GUEST_KERNEL',
  GuestInitrd: 'GUEST_INITRD',
  GuestImageCache: 'GUEST_IMAGE_CACHE',
  BootConfigPath: 'BOOT_CONFIG_PATH',
  BootConfigFwCfg: 'BOOT_CONFIG_FW_CFG',
  CertificateDir: 'CERTIFICATE_DIR',
  CertificateMountTag: 'CERTIFICATE_MOUNT_TAG',
  EtcdDataDir: 'ETCD_DATA_DIR',
  EtcdMountTag: 'ETCD_MOUNT_TAG',
  Bridge: 'BRIDGE',
  Tap: 'TAP',
  FlannelSubnetFile: 'FLANNEL_SUBNET_FILE',
  HealthPort: 'HEALTH_PORT',
  /** The pod's name and namespace (downward API): the launcher annotates its pod with the VM's address. */
  PodName: 'POD_NAME',
  PodNamespace: 'POD_NAMESPACE',
} as const;
export type LauncherEnv = (typeof LauncherEnv)[keyof typeof LauncherEnv];

/** First host port used for launcher health endpoints. */
export const LAUNCHER_PORT_BASE = 40000;
/** Number of host ports reserved for launcher health endpoints (40000–59999). */
export const LAUNCHER_PORT_RANGE = 20000;

/**
 * The launcher's health port. VM pods use the host network (the tap must join the host bridge),
 * so ports are offset by the cluster's VNI: clusters on one host never collide as long as their
 * VNIs differ modulo the 20000 ports reserved for them (always true for VNIs from the 1–4095 pool).
 */
export function launcherHealthPort(vni: number): number {
  return LAUNCHER_PORT_BASE + (vni % LAUNCHER_PORT_RANGE);
}
