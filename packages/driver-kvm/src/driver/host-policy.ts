/**
 * What a tenant may ask of the host nodes (internal). The VM pods run privileged, with host
 * networking, `/dev/kvm` and host directories mounted: a launcher image or a host path chosen by
 * a tenant would be root on the host. So the operator, not the Cluster, decides which launcher
 * images run and under which host directories the image cache and etcd data may live; a Cluster
 * asking for others is refused in preflight, before anything is created for it.
 */
import type { DriverError } from '@kubeception/sdk/cluster';
import { posix } from 'node:path';
import { DEFAULT_LAUNCHER_IMAGE } from '../provider-spec.js';
import type { KvmCluster } from '../render/cluster.js';

/** The operator's limits on what Clusters may ask of the host nodes. */
export interface HostPolicy {
  /**
   * Launcher image repositories a Cluster may use (`registry/path`, any tag or digest of it); an
   * entry ending in `/` allows every repository under it.
   * @default the repository of the default launcher image
   */
  readonly launcherImages?: readonly string[];
  /**
   * Host directories under which `guestImage.cachePath` and `etcdStorage.hostPath.path` may lie.
   * @default ['/var/lib/kubeception']
   */
  readonly hostPathRoots?: readonly string[];
}

/** The repository of an image reference: without its `@digest` and its `:tag` (a registry port stays). */
export function imageRepository(image: string): string {
  const name = image.split('@')[0] ?? image;
  const slash = name.lastIndexOf('/');
  const colon = name.lastIndexOf(':');
  return colon > slash ? name.slice(0, colon) : name;
}

const DEFAULT_ROOTS = ['/var/lib/kubeception'];

/** Whether `path` is `root` or below it, after resolving `.` and `..`. */
const under = (path: string, root: string) => {
  const normal = posix.normalize(path).replace(/\/+$/, '') || '/';
  const base = posix.normalize(root).replace(/\/+$/, '') || '/';
  return normal === base || normal.startsWith(`${base}/`);
};

const refusal = (reason: string, message: string): DriverError => ({ kind: 'InvalidSpec', reason, terminal: true, message });

/** Why the Cluster asks the host for more than the operator allows, or `undefined`. */
export function hostPolicyRefusal(cluster: KvmCluster, policy: HostPolicy): DriverError | undefined {
  const kvm = cluster.spec.provider.kvm;
  const images = policy.launcherImages ?? [imageRepository(DEFAULT_LAUNCHER_IMAGE)];
  const repository = imageRepository(kvm.launcher.image);
  if (!images.some((allowed) => (allowed.endsWith('/') ? repository.startsWith(allowed) : repository === allowed))) {
    return refusal(
      'LauncherImageNotAllowed',
      `spec.provider.kvm.launcher.image: ${kvm.launcher.image} is not an image this operator runs (allowed: ${images.join(', ')})`,
    );
  }
  const roots = policy.hostPathRoots ?? DEFAULT_ROOTS;
  const paths = [
    { field: 'spec.provider.kvm.guestImage.cachePath', path: kvm.guestImage.cachePath },
    ...(kvm.etcdStorage.type === 'hostPath' && kvm.etcdStorage.hostPath
      ? [{ field: 'spec.provider.kvm.etcdStorage.hostPath.path', path: kvm.etcdStorage.hostPath.path }]
      : []),
  ];
  const outside = paths.find((p) => !roots.some((root) => under(p.path, root)));
  return outside === undefined
    ? undefined
    : refusal('HostPathNotAllowed', `${outside.field}: ${outside.path} is not under a host directory this operator allows (${roots.join(', ')})`);
}
