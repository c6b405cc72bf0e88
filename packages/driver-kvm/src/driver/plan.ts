/**
 * `planCluster`: what one apply pass must do, decided purely from the rendered cluster and the
 * observed world (no I/O): objects to write, objects to delete, at most one VM to replace and at
 * most one VM to remove, and what is still awaited.
 */
import { NodeRole, type KubeObject } from '@kubeception/sdk';
import type { Deployment, Secret } from '@kubeception/sdk/kube';
import type { KvmCluster } from '../render/cluster.js';
import { BRIDGE_CLEANUP_DAEMONSET } from '../render/flannel.js';
import { KvmAnnotation, KvmLabel, ObjectName, clusterLabels } from '../render/names.js';
import type { VmNode } from '../render/nodes.js';
import type { RenderedCluster } from '../render/render-cluster.js';
import { renderEndpointSlice } from '../render/services.js';
import { contains } from './contains.js';
import { kindName } from './host.js';
import type { KvmWorld } from './world.js';

/** One apply pass. */
export interface Plan {
  /** Objects to server-side apply, in order (the Namespace first). */
  readonly applies: readonly KubeObject[];
  /** Managed objects nothing renders any more (a removed pool's budget, a removed node's boot config). */
  readonly deletes: readonly KubeObject[];
  /** The VM whose Deployment changes in this pass (a replacement), if any. */
  readonly replacing?: string;
  /** The VM to remove (scale-down), highest index first; its Deployment exists. */
  readonly removing?: { readonly node: string; readonly role: NodeRole; readonly deployment: KubeObject };
  /** What the cluster waits for, in words (empty: converged). */
  readonly waiting: readonly string[];
  /**
   * Whether part of the wait is on the guest cluster, which no watch reports: a VM whose pod is
   * Ready but whose guest Node is not (yet) Ready at its version, or guest Nodes of removed VMs.
   * Only then is a pass re-checked on a timer; everything else it waits for is a watched host
   * object, whose change queues the Cluster.
   */
  readonly guestPending?: true;
}

const isVmDeployment = (o: KubeObject) => o.kind === 'Deployment' && o.metadata?.labels?.[KvmLabel.Node] !== undefined;
const nodeOf = (o: KubeObject) => o.metadata?.labels?.[KvmLabel.Node];

/** Copies of the component Secrets into host namespace `<cluster-id>`, where the VM pods mount them. */
export function secretCopies(cluster: KvmCluster, sources: readonly Secret[]): Secret[] {
  return sources.map((s) => ({
    apiVersion: 'v1',
    kind: 'Secret',
    type: s.type ?? 'kubernetes.io/tls',
    metadata: { name: s.metadata?.name ?? '', namespace: cluster.id, labels: clusterLabels(cluster) },
    data: { ...s.data },
  }));
}

/**
 * Whether a node's VM is settled: its Deployment (containing `desired`, when given) is rolled out
 * with one Ready pod, and its guest Node is Ready at the version that Deployment boots.
 */
export function settled(world: KvmWorld, node: string, desired?: KubeObject): boolean {
  const deployment = world.objects.get(`Deployment/${node}`) as (Deployment & KubeObject) | undefined;
  if (deployment === undefined || (desired !== undefined && !contains(deployment, desired))) return false;
  const status = deployment.status ?? {};
  const rolledOut = (status.observedGeneration ?? 0) >= (deployment.metadata?.generation ?? 0) && status.updatedReplicas === 1 && status.readyReplicas === 1 && status.replicas === 1;
  return rolledOut && guestReady(world, node);
}

/** Whether a node's guest Node is Ready at the version its Deployment boots (any, when that is not known). */
function guestReady(world: KvmWorld, node: string): boolean {
  const deployment = world.objects.get(`Deployment/${node}`) as (Deployment & KubeObject) | undefined;
  const version = deployment?.spec?.template?.metadata?.annotations?.[KvmAnnotation.KubernetesVersion];
  const guestNode = world.guest.reachable ? world.guest.nodes.get(node) : undefined;
  return guestNode?.ready === true && (version === undefined || guestNode.version === version);
}

const indexOf = (node: string) => Number(/-(\d+)$/.exec(node)?.[1] ?? 0);

/** Decides one pass. `rendered` is {@link renderCluster}'s output for the allocated network. */
export function planCluster(cluster: KvmCluster, world: KvmWorld, rendered: RenderedCluster, sources: readonly Secret[]): Plan {
  const desiredNodes = new Map(rendered.nodes.map((n) => [n.name, n]));
  const byNode = new Map<string, KubeObject[]>();
  const shared: KubeObject[] = [];
  for (const object of rendered.objects) {
    const node = nodeOf(object);
    if (node !== undefined && object.kind !== 'Namespace') byNode.set(node, [...(byNode.get(node) ?? []), object]);
    else shared.push(object);
  }
  const vmEndpoints = (role: NodeRole) =>
    world.pods.filter((p) => p.role === role && p.ip !== undefined && !p.terminating && desiredNodes.has(p.node)).map((p) => ({ node: p.node, ip: p.ip ?? '', ready: p.ready }));
  // a Service's EndpointSlice is created with its first VM address, not empty (to be written again
  // moments later); once it exists it follows the VMs, down to none
  const slices = [renderEndpointSlice(cluster, ObjectName.MasterService, vmEndpoints(NodeRole.Master)), renderEndpointSlice(cluster, ObjectName.WorkerService, vmEndpoints(NodeRole.Worker))].filter(
    (slice) => slice.endpoints.length > 0 || world.objects.has(kindName(slice)),
  );
  const singles = [...shared, ...secretCopies(cluster, sources), ...slices];
  const stale = (o: KubeObject) => !contains(world.objects.get(kindName(o)), o);

  const applies: KubeObject[] = singles.filter(stale);
  const waiting: string[] = [];
  // the component Secrets are named <cluster>-<component>; other sources (the flannel TLS Secret) do not count
  if (!sources.some((s) => s.metadata?.name?.startsWith(`${cluster.metadata.name}-`))) waiting.push('the component certificate Secrets');

  // VMs: create missing ones at once; replace changed ones one at a time.
  const desiredDeployment = (node: string) => (byNode.get(node) ?? []).find(isVmDeployment);
  const changed: VmNode[] = [];
  for (const node of rendered.nodes) {
    const objects = byNode.get(node.name) ?? [];
    if (!world.objects.has(`Deployment/${node.name}`)) applies.push(...objects);
    else if (objects.some(stale)) changed.push(node);
  }
  let replacing: string | undefined;
  const podReady = (node: string) => world.pods.some((p) => p.node === node && p.ready && !p.terminating);
  const unsettled = rendered.nodes.filter((n) => world.objects.has(`Deployment/${n.name}`) && !settled(world, n.name));
  for (const node of changed) {
    const others = unsettled.filter((n) => n.name !== node.name);
    if (!podReady(node.name) || others.length === 0) {
      replacing = node.name;
      applies.push(...(byNode.get(node.name) ?? []).filter(stale));
      break;
    }
  }
  if (changed.length > 0) waiting.push(replacing ? `replacing VM ${replacing}` : `${changed.length} VMs to replace, one at a time: waiting for ${unsettled.map((n) => n.name).join(', ')}`);
  const notReady = rendered.nodes.filter((n) => world.objects.has(`Deployment/${n.name}`) && n.name !== replacing && !changed.includes(n) && !settled(world, n.name, desiredDeployment(n.name)));
  if (notReady.length > 0) waiting.push(`${notReady.length} VMs to become Ready in the guest (${notReady.map((n) => n.name).join(', ')})`);
  if (rendered.nodes.some((n) => !world.objects.has(`Deployment/${n.name}`))) waiting.push('VMs being created');

  // Scale-down: the highest index of the last pool first, one at a time, never during a replacement.
  const extras = [...world.objects.values()]
    .filter((o) => isVmDeployment(o) && !desiredNodes.has(nodeOf(o) ?? ''))
    .sort((a, b) => (a.metadata?.labels?.['kubeception.io/pool'] ?? '').localeCompare(b.metadata?.labels?.['kubeception.io/pool'] ?? '') || indexOf(nodeOf(b) ?? '') - indexOf(nodeOf(a) ?? ''));
  const extra = extras[0];
  const removing =
    extra !== undefined && replacing === undefined
      ? { node: nodeOf(extra) ?? '', role: extra.metadata?.labels?.['kubeception.io/role'] === NodeRole.Master ? NodeRole.Master : NodeRole.Worker, deployment: extra }
      : undefined;
  if (extras.length > 0) waiting.push(`${extras.length} VMs to remove (${extras.map(nodeOf).join(', ')})`);
  const forgotten = world.guest.reachable ? [...world.guest.nodes.keys()].filter((n) => n.startsWith(`${cluster.metadata.name}-`) && !desiredNodes.has(n)) : [];
  if (forgotten.length > 0) waiting.push(`${forgotten.length} guest Nodes of removed VMs to delete (${forgotten.join(', ')})`);
  const guestPending = forgotten.length > 0 || [...desiredNodes.keys()].some((node) => podReady(node) && !guestReady(world, node));

  // Managed objects nothing renders: delete, except VMs (removed above, with a drain) and what belongs to a VM still being removed.
  const desiredKeys = new Set([...singles, ...rendered.objects].map(kindName));
  const removingNodes = new Set(extras.map(nodeOf));
  const deletes = [...world.objects.values()].filter(
    (o) => o.kind !== 'Namespace' && !isVmDeployment(o) && !desiredKeys.has(kindName(o)) && !removingNodes.has(nodeOf(o)) && o.metadata?.name !== BRIDGE_CLEANUP_DAEMONSET,
  );
  return { applies, deletes, ...(replacing ? { replacing } : {}), ...(removing ? { removing } : {}), waiting, ...(guestPending ? { guestPending: true as const } : {}) };
}
