/** Per-node ConfigMap `<node>-boot` holding the node's Ignition config. */
import { createHash } from 'node:crypto';
import { err, ok, type Result } from 'neverthrow';
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
  let byNode = texts.get(cluster);
  if (byNode === undefined) texts.set(cluster, (byNode = new WeakMap<VmNode, BootConfig>()));
  let made = byNode.get(node);
  if (made === undefined) {
    made = renderIgnition(cluster, node).match<BootConfig>(
      (config) => ({ text: `${JSON.stringify(config, null, 2)}\n` }),
      (unrenderable) => ({ unrenderable }),
    );
    byNode.set(node, made);
  }
  return 'text' in made ? ok(made.text) : err(made.unrenderable);
}

/** A boot config made, or why it cannot be. */
type BootConfig = { readonly text: string } | { readonly unrenderable: Unrenderable };

/**
 * The boot config of each (Cluster, node) object pair, made once: a rendering asks for it twice
 * per node (the ConfigMap, and the Deployment's hash of it), with the same objects.
 */
const texts = new WeakMap<KvmCluster, WeakMap<VmNode, BootConfig>>();

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
