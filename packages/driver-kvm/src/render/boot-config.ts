/** Per-node ConfigMap `<node>-boot` holding the node's Ignition config. */
import type { KvmCluster } from './cluster.js';
import { renderIgnition } from './ignition.js';
import { BOOT_CONFIG_KEY } from './launcher.js';
import { nodeLabels, objectMeta } from './names.js';
import type { VmNode } from './nodes.js';
import type { ConfigMap } from './objects.js';

/** `<node>-boot`. */
export const bootConfigMapName = (node: string) => `${node}-boot`;

/** ConfigMap `<node>-boot` with key {@link BOOT_CONFIG_KEY}: the Ignition config as indented JSON. Public data only. */
export function renderBootConfigMap(cluster: KvmCluster, node: VmNode): ConfigMap {
  const name = cluster.metadata.name;
  return {
    apiVersion: 'v1',
    kind: 'ConfigMap',
    metadata: objectMeta(name, bootConfigMapName(node.name), nodeLabels(name, node)),
    data: { [BOOT_CONFIG_KEY]: `${JSON.stringify(renderIgnition(cluster, node), null, 2)}\n` },
  };
}
