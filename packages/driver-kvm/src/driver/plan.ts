/**
 * `planCluster`: what one apply pass must do, decided purely from the rendered cluster and the
 * observed world (no I/O): objects to write, objects to delete, at most one VM to replace and at
 * most one VM to remove, and what is still awaited.
 */
import { NodeRole, type KubeObject } from '@kubeception/sdk';
import type { Deployment, Secret } from '@kubeception/sdk/kube';
import type { KvmCluster } from '../render/cluster.js';
import { BRIDGE_CLEANUP_DAEMONSET } from '../render/flannel.js';
import { KvmAnnotation, KvmLabel, ObjectName, copyLabels } from '../render/names.js';
import type { VmNode } from '../render/nodes.js';
import type { RenderedCluster } from '../render/render-cluster.js';
import { renderEndpointSlice } from '../render/services.js';
import { hasDigests } from '@kubeception/sdk/runtime';
import { contains } from './contains.js';
import { comparableForm, kindName } from './host.js';
import { plannedFrom } from './source-secrets.js';
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

/**
 * Copies of the component Secrets into host namespace `<cluster-id>`, where the VM pods mount
 * them. A source cached as digests gives its copy's digests (`source-secrets.ts`).
 */
export function secretCopies(cluster: KvmCluster, sources: readonly Secret[]): Secret[] {
  return sources.map((s) => {
    const labels = copyLabels(cluster);
    const copyOf = (): Secret => ({
      apiVersion: 'v1',
      kind: 'Secret',
      type: s.type ?? 'kubernetes.io/tls',
      metadata: { name: s.metadata?.name ?? '', namespace: cluster.id, labels },
      data: { ...s.data },
    });
    // a source cached as digests gives a copy in its cache's form already (made whole before it
    // is written): made on every pass, nothing to digest and nothing kept
    if (hasDigests(s)) {
      const copy = copyOf();
      plannedFrom(copy, s);
      return copy;
    }
    // one copy per source object cached whole (the cache hands out the same object until it
    // changes), so the copy's digests are made once, not on every pass
    const key = `${cluster.id}\n${JSON.stringify(labels)}`;
    const known = copies.get(s);
    if (known?.key === key) return known.copy;
    const copy = copyOf();
    copies.set(s, { key, copy });
    return copy;
  });
}
const copies = new WeakMap<Secret, { readonly key: string; readonly copy: Secret }>();

/**
 * Whether a node's VM is settled: its Deployment (containing `desired`, when given) is rolled out
 * with one Ready pod, and its guest Node is Ready at the version that Deployment boots.
 */
export function settled(world: KvmWorld, node: string, desired?: KubeObject): boolean {
  const deployment = world.objects.get(`Deployment/${node}`) as (Deployment & KubeObject) | undefined;
  if (deployment === undefined || (desired !== undefined && !contains(deployment, comparableForm(desired, deployment)))) return false;
  const status = deployment.status ?? {};
  const rolledOut =
    (status.observedGeneration ?? 0) >= (deployment.metadata?.generation ?? 0) &&
    status.updatedReplicas === 1 &&
    status.readyReplicas === 1 &&
    status.replicas === 1;
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
  const { byNode, shared } = groupByNode(rendered);
  const singles = [...shared, ...secretCopies(cluster, sources), ...endpointSlices(cluster, world, rendered, desiredNodes)];
  const stale = (o: KubeObject) => {
    const observed = world.objects.get(kindName(o));
    return !contains(observed, comparableForm(o, observed));
  };
  const vms = planVms(world, rendered, byNode, stale);
  const { extras, removing } = planScaleDown(world, desiredNodes, vms.replacing);
  const forgotten = world.guest.reachable ? [...world.guest.nodes.keys()].filter((n) => n.startsWith(`${cluster.metadata.name}-`) && !desiredNodes.has(n)) : [];
  const guestPending = forgotten.length > 0 || [...desiredNodes.keys()].some((node) => podReady(world, node) && !guestReady(world, node));
  const waiting = [
    // the component Secrets are named <cluster>-<component>; other sources (the flannel TLS Secret) do not count
    ...(sources.some((s) => s.metadata?.name?.startsWith(`${cluster.metadata.name}-`)) ? [] : ['the component certificate Secrets']),
    ...vms.waiting,
    ...(extras.length > 0 ? [`${extras.length} VMs to remove (${extras.map(nodeOf).join(', ')})`] : []),
    ...(forgotten.length > 0 ? [`${forgotten.length} guest Nodes of removed VMs to delete (${forgotten.join(', ')})`] : []),
  ];
  return {
    applies: [...singles.filter(stale), ...vms.applies],
    deletes: orphans(world, new Set([...singles, ...rendered.objects].map(kindName)), extras),
    ...(vms.replacing ? { replacing: vms.replacing } : {}),
    ...(removing ? { removing } : {}),
    waiting,
    ...(guestPending ? { guestPending: true as const } : {}),
  };
}

/** The rendered objects of each node (the Namespace excepted), and the shared ones. */
function groupByNode(rendered: RenderedCluster): { readonly byNode: ReadonlyMap<string, readonly KubeObject[]>; readonly shared: readonly KubeObject[] } {
  const byNode = new Map<string, KubeObject[]>();
  const shared: KubeObject[] = [];
  for (const object of rendered.objects) {
    const node = nodeOf(object);
    if (node !== undefined && object.kind !== 'Namespace') byNode.set(node, [...(byNode.get(node) ?? []), object]);
    else shared.push(object);
  }
  return { byNode, shared };
}

/** The EndpointSlices of the master and worker Services, listing the addresses of the desired VMs' pods. */
function endpointSlices(cluster: KvmCluster, world: KvmWorld, rendered: RenderedCluster, desiredNodes: ReadonlyMap<string, VmNode>): KubeObject[] {
  const vmEndpoints = (role: NodeRole) =>
    world.pods
      .filter((p) => p.role === role && p.ip !== undefined && !p.terminating && desiredNodes.has(p.node))
      .map((p) => ({ node: p.node, ip: p.ip ?? '', ready: p.ready }));
  // a Service's EndpointSlice is created with its first VM address, not empty (to be written again
  // moments later); once it exists it follows the VMs, down to none
  return [
    renderEndpointSlice(cluster, ObjectName.MasterService, vmEndpoints(NodeRole.Master), rendered.hostApiVersions.endpointSlice),
    renderEndpointSlice(cluster, ObjectName.WorkerService, vmEndpoints(NodeRole.Worker), rendered.hostApiVersions.endpointSlice),
  ].filter((slice) => slice.endpoints.length > 0 || world.objects.has(kindName(slice)));
}

/** Whether a node's VM has a Ready pod that is not terminating. */
const podReady = (world: KvmWorld, node: string) => world.pods.some((p) => p.node === node && p.ready && !p.terminating);

/** The VM part of a pass: create missing VMs at once; replace changed ones one at a time. */
function planVms(
  world: KvmWorld,
  rendered: RenderedCluster,
  byNode: ReadonlyMap<string, readonly KubeObject[]>,
  stale: (o: KubeObject) => boolean,
): { readonly applies: readonly KubeObject[]; readonly replacing: string | undefined; readonly waiting: readonly string[] } {
  const applies: KubeObject[] = [];
  const waiting: string[] = [];
  const changed: VmNode[] = [];
  for (const node of rendered.nodes) {
    const objects = byNode.get(node.name) ?? [];
    if (!world.objects.has(`Deployment/${node.name}`)) applies.push(...objects);
    else if (objects.some(stale)) changed.push(node);
  }
  const unsettled = rendered.nodes.filter((n) => world.objects.has(`Deployment/${n.name}`) && !settled(world, n.name));
  const replaced = changed.find((node) => !podReady(world, node.name) || unsettled.every((n) => n.name === node.name));
  const replacing = replaced?.name;
  if (replacing !== undefined) applies.push(...(byNode.get(replacing) ?? []).filter(stale));
  if (changed.length > 0)
    waiting.push(
      replacing ? `replacing VM ${replacing}` : `${changed.length} VMs to replace, one at a time: waiting for ${unsettled.map((n) => n.name).join(', ')}`,
    );
  const desiredDeployment = (node: string) => (byNode.get(node) ?? []).find(isVmDeployment);
  const notReady = rendered.nodes.filter(
    (n) => world.objects.has(`Deployment/${n.name}`) && n.name !== replacing && !changed.includes(n) && !settled(world, n.name, desiredDeployment(n.name)),
  );
  if (notReady.length > 0) waiting.push(`${notReady.length} VMs to become Ready in the guest (${notReady.map((n) => n.name).join(', ')})`);
  if (rendered.nodes.some((n) => !world.objects.has(`Deployment/${n.name}`))) waiting.push('VMs being created');
  return { applies, replacing, waiting };
}

/** Scale-down: the VMs nothing renders, the highest index of the last pool first; one is removed at a time, never during a replacement. */
function planScaleDown(
  world: KvmWorld,
  desiredNodes: ReadonlyMap<string, VmNode>,
  replacing: string | undefined,
): { readonly extras: readonly KubeObject[]; readonly removing: Plan['removing'] } {
  const extras = [...world.objects.values()]
    .filter((o) => isVmDeployment(o) && !desiredNodes.has(nodeOf(o) ?? ''))
    .sort(
      (a, b) =>
        (a.metadata?.labels?.['kubeception.io/pool'] ?? '').localeCompare(b.metadata?.labels?.['kubeception.io/pool'] ?? '') ||
        indexOf(nodeOf(b) ?? '') - indexOf(nodeOf(a) ?? ''),
    );
  const extra = extras[0];
  const removing =
    extra !== undefined && replacing === undefined
      ? {
          node: nodeOf(extra) ?? '',
          role: extra.metadata?.labels?.['kubeception.io/role'] === NodeRole.Master ? NodeRole.Master : NodeRole.Worker,
          deployment: extra,
        }
      : undefined;
  return { extras, removing };
}

/** Managed objects nothing renders, to delete: except VMs (removed with a drain) and what belongs to a VM still being removed. */
function orphans(world: KvmWorld, desiredKeys: ReadonlySet<string>, extras: readonly KubeObject[]): KubeObject[] {
  const removingNodes = new Set(extras.map(nodeOf));
  return [...world.objects.values()].filter(
    (o) =>
      o.kind !== 'Namespace' &&
      !isVmDeployment(o) &&
      !desiredKeys.has(kindName(o)) &&
      !removingNodes.has(nodeOf(o)) &&
      o.metadata?.name !== BRIDGE_CLEANUP_DAEMONSET,
  );
}
