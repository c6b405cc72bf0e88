/** Per-node ConfigMap `<node>-boot` holding the node's Ignition config. */
import { createHash } from 'node:crypto';
import type { KvmCluster } from './cluster.js';
import { renderIgnition } from './ignition.js';
import { BOOT_CONFIG_KEY } from './launcher.js';
import { nodeLabels, objectMeta } from './names.js';
import type { VmNode } from './nodes.js';
import type { ConfigMap } from './objects.js';

/** `<node>-boot`. */
export const bootConfigMapName = (node: string) => `${node}-boot`;

/** The boot config text of a node (the ConfigMap's {@link BOOT_CONFIG_KEY}). */
export function bootConfigText(cluster: KvmCluster, node: VmNode): string {
  return `${JSON.stringify(renderIgnition(cluster, node), null, 2)}\n`;
}

/** First 16 hex digits of the SHA-256 of {@link bootConfigText}: on the pod template, so a new boot config replaces the VM. */
export function bootConfigHash(cluster: KvmCluster, node: VmNode): string {
  return createHash('sha256').update(bootConfigText(cluster, node)).digest('hex').slice(0, 16);
}

/** ConfigMap `<node>-boot` with key {@link BOOT_CONFIG_KEY}: the Ignition config as indented JSON. Public data only. */
export function renderBootConfigMap(cluster: KvmCluster, node: VmNode): ConfigMap {
  const name = cluster.metadata.name;
  return {
    apiVersion: 'v1',
    kind: 'ConfigMap',
    metadata: objectMeta(name, bootConfigMapName(node.name), nodeLabels(name, node)),
    data: { [BOOT_CONFIG_KEY]: bootConfigText(cluster, node) },
  };
}
