/** Per-node ConfigMap `<node>-boot` holding the node's Ignition config. */
import { createHash } from 'node:crypto';
import type { Result } from 'neverthrow';
import type { KvmCluster } from './cluster.js';
import { renderIgnition } from './ignition.js';
import { BOOT_CONFIG_KEY } from './launcher.js';
import { nodeLabels, objectMeta } from './names.js';
import type { VmNode } from './nodes.js';
import type { ConfigMap } from './objects.js';
import type { Unrenderable } from './quote.js';

/** `<node>-boot`. */
export const bootConfigMapName = (node: string) => `${node}-boot`;

/** The boot config text of a node (the ConfigMap's key `config.ign`); fails as {@link renderIgnition} does. */
export function bootConfigText(cluster: KvmCluster, node: VmNode): Result<string, Unrenderable> {
  return renderIgnition(cluster, node).map((config) => `${JSON.stringify(config, null, 2)}\n`);
}

/** First 16 hex digits of the SHA-256 of {@link bootConfigText}: on the pod template, so a new boot config replaces the VM. */
export function bootConfigHash(cluster: KvmCluster, node: VmNode): Result<string, Unrenderable> {
  return bootConfigText(cluster, node).map((text) => createHash('sha256').update(text).digest('hex').slice(0, 16));
}

/** ConfigMap `<node>-boot` with key `config.ign`: the Ignition config as indented JSON. Public data only. */
export function renderBootConfigMap(cluster: KvmCluster, node: VmNode): Result<ConfigMap, Unrenderable> {
  return bootConfigText(cluster, node).map((text) => ({
    apiVersion: 'v1',
    kind: 'ConfigMap',
    metadata: objectMeta(cluster, bootConfigMapName(node.name), nodeLabels(cluster, node)),
    data: { [BOOT_CONFIG_KEY]: text },
  }));
}
