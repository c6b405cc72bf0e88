/** Where a master VM keeps etcd: a host directory or a PersistentVolumeClaim, per `etcdStorage`. */
import { ok, type Result } from 'neverthrow';
import type { KvmCluster } from './cluster.js';
import { nodeLabels, objectMeta } from './names.js';
import type { VmNode } from './nodes.js';
import type { PersistentVolumeClaim, Volume } from './objects.js';
import type { Unrenderable } from './quote.js';
import { canonical } from './vm-resources.js';

/** Name of the etcd volume of a master VM pod. */
export const ETCD_VOLUME = 'etcd';
/** Host directory under which `hostPath` etcd data lives when `etcdStorage.hostPath` is unset. */
export const DEFAULT_ETCD_HOST_PATH = '/var/lib/kubeception/etcd';

/** `<node>-etcd`: the claim of a master when `etcdStorage.type` is `persistentVolume`. */
export const etcdClaimName = (node: string) => `${node}-etcd`;

/**
 * The etcd volume of a master: `hostPath` `<path>/<cluster-id>/<node>` (created if missing), or
 * the node's claim. With `hostPath` the data stays on the host that ran the VM: a master
 * rescheduled elsewhere starts with an empty member directory and must rejoin its peers.
 */
export function etcdVolume(cluster: KvmCluster, node: VmNode): Volume {
  const storage = cluster.spec.provider.kvm.etcdStorage;
  if (storage.type === 'persistentVolume') return { name: ETCD_VOLUME, persistentVolumeClaim: { claimName: etcdClaimName(node.name) } };
  const root = storage.hostPath?.path ?? DEFAULT_ETCD_HOST_PATH;
  return { name: ETCD_VOLUME, hostPath: { path: `${root}/${cluster.id}/${node.name}`, type: 'DirectoryOrCreate' } };
}

/**
 * The PersistentVolumeClaim `<node>-etcd` of a master, or `undefined` when etcd uses `hostPath` (or
 * for workers); an error when the volume's size is no quantity the API server accepts.
 */
export function renderEtcdClaim(cluster: KvmCluster, node: VmNode): Result<PersistentVolumeClaim | undefined, Unrenderable> {
  const { persistentVolume, type } = cluster.spec.provider.kvm.etcdStorage;
  if (type !== 'persistentVolume' || persistentVolume === undefined || node.role !== 'master') return ok(undefined);
  return canonical(persistentVolume.size, 'spec.provider.kvm.etcdStorage.persistentVolume.size', { resourceList: true }).map((storage) => ({
    apiVersion: 'v1',
    kind: 'PersistentVolumeClaim',
    metadata: objectMeta(cluster, etcdClaimName(node.name), nodeLabels(cluster, node)),
    spec: {
      accessModes: ['ReadWriteOnce'],
      resources: { requests: { storage } },
      ...(persistentVolume.storageClassName === undefined ? {} : { storageClassName: persistentVolume.storageClassName }),
    },
  }));
}
