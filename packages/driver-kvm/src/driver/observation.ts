/**
 * What the KVM driver's `observe` reports (internal): the world as found, and once the Cluster's
 * network is known the rendering and the plan `apply` executes, with the conditions, nodes,
 * network and endpoint of the Cluster's status. Deleting renders nothing.
 */
import { NodeRole, type Cluster, type Persisted } from '@kubeception/sdk';
import { driverCondition, type DriverCondition, type Observed } from '@kubeception/sdk/cluster';
import type { KvmSpec } from '../provider-spec.js';
import { kvmCluster, type KvmCluster } from '../render/cluster.js';
import type { Unrenderable } from '../render/quote.js';
import type { RenderedCluster } from '../render/render-cluster.js';
import { SPEC_DIGEST, SPEC_ELIDED_KINDS, type SpecMemo } from './elided-specs.js';
import { kindName } from './host.js';
import { planCluster, settled, type Plan } from './plan.js';
import type { RenderCache } from './render-cache.js';
import type { KvmWorld } from './world.js';

/** What `observe` hands `apply`: the world and, once a network is known, the rendered cluster and the plan. */
export interface KvmObservation {
  /** The cluster's host objects, flannel config and guest nodes as they are. */
  readonly world: KvmWorld;
  /** The host objects the cluster should have; set once its network is known (never while the Cluster is deleted: deleting renders nothing). */
  readonly rendered?: RenderedCluster;
  /** What `apply` has to do to get from `world` to `rendered`; set with `rendered`. */
  readonly plan?: Plan;
  /** Why the Cluster cannot be rendered (a user-written value that cannot be written safely): `apply` refuses it, `cleanup` is not affected. */
  readonly unrenderable?: Unrenderable;
}

/** What an observation is made from. */
export interface ObservationInputs {
  readonly cluster: Persisted<Cluster>;
  /** The Cluster's provider spec; `undefined` when it no longer parses (a deletion). */
  readonly spec: KvmSpec | undefined;
  /** The Cluster's host objects, flannel config and guest nodes as they are. */
  readonly world: KvmWorld;
  /** The driver's renderings. */
  readonly renders: Pick<RenderCache, 'render'>;
  /** The VM Deployments checked: a Deployment read whole this pass is remembered when it contains its rendering. */
  readonly specs?: Pick<SpecMemo, 'remember'>;
}

/** The observation of a Cluster: its world, and (unless it is being deleted) its rendering, plan and status. */
export function observation(inputs: ObservationInputs): Observed<KvmObservation> {
  const { cluster, spec, world } = inputs;
  // deleting renders nothing (a spec that no longer parses, or renders, must not keep the
  // Cluster): cleanup finds everything from the Cluster's ID and the world
  if (spec === undefined || cluster.metadata.deletionTimestamp !== undefined) return { provider: { world }, conditions: [] };
  const kc = kvmCluster(cluster, spec);
  const outcome = inputs.renders.render(kc, world.network);
  const rendered = world.network !== undefined && 'value' in outcome ? outcome.value : undefined;
  const unrenderable = 'error' in outcome ? outcome.error : undefined;
  const plan = rendered ? planCluster(kc, world, rendered, [...world.certificates, ...(world.flannelTls ? [world.flannelTls] : [])]) : undefined;
  if (rendered && inputs.specs) rememberRead(inputs.specs, world, rendered);
  return {
    provider: { world, ...(rendered ? { rendered } : {}), ...(plan ? { plan } : {}), ...(unrenderable ? { unrenderable } : {}) },
    ...summarize(kc, world, rendered, plan, unrenderable),
  };
}

/** Remembers the VM Deployments this pass read whole (their cached form was not checked at their generation) that contain their rendering. */
function rememberRead(specs: Pick<SpecMemo, 'remember'>, world: KvmWorld, rendered: RenderedCluster): void {
  for (const desired of rendered.objects) {
    if (!SPEC_ELIDED_KINDS.has(desired.kind ?? '')) continue;
    const observed = world.objects.get(kindName(desired));
    if (observed !== undefined && (observed as { [SPEC_DIGEST]?: string })[SPEC_DIGEST] === undefined) specs.remember(observed, desired);
  }
}

/** Conditions, nodes, network and endpoint of an observation. */
function summarize(
  kc: KvmCluster,
  world: KvmWorld,
  rendered: RenderedCluster | undefined,
  plan: Plan | undefined,
  unrenderable: Unrenderable | undefined,
): Omit<Observed<KvmObservation>, 'provider'> {
  const podCIDR = kc.spec.network.podCIDR;
  return {
    conditions: [
      infrastructureReady(rendered, plan, unrenderable),
      networkReady(world),
      vmsReady(kc, world, rendered, NodeRole.Master),
      vmsReady(kc, world, rendered, NodeRole.Worker),
    ],
    network: { ...(world.network ? { flannel: { network: world.network.network, vni: world.network.vni } } : {}), podCIDR },
    ...(world.objects.has('Ingress/api') ? { endpoint: { host: kc.spec.kubernetes.api.domain, port: 443 } } : {}),
    nodes: statusNodes(kc, world, rendered),
  };
}

/** `InfrastructureReady`: the cluster's shared host objects are written. */
function infrastructureReady(rendered: RenderedCluster | undefined, plan: Plan | undefined, unrenderable: Unrenderable | undefined): DriverCondition {
  // no count or list of the objects left: as their writes reach the cache, every new count
  // would be a status write of the Cluster (what was applied is logged at debug level)
  if (unrenderable !== undefined) return driverCondition('InfrastructureReady', false, 'InvalidSpec', unrenderable.message);
  const shared = plan?.applies.filter((o) => o.metadata?.labels?.['kubeception.io/node'] === undefined && o.kind !== 'EndpointSlice') ?? [];
  return driverCondition(
    'InfrastructureReady',
    rendered !== undefined && shared.length === 0,
    'Provisioning',
    rendered === undefined ? 'allocating the flannel network' : "writing the cluster's host objects",
  );
}

/** `NetworkReady`: the network is ledgered, its flannel config written and flanneld Ready on every host. */
function networkReady(world: KvmWorld): DriverCondition {
  const flannelDs = world.objects.get('DaemonSet/flannel') as { status?: { numberReady?: number; desiredNumberScheduled?: number } } | undefined;
  const flannelReady =
    flannelDs?.status !== undefined &&
    (flannelDs.status.desiredNumberScheduled ?? 0) > 0 &&
    flannelDs.status.numberReady === flannelDs.status.desiredNumberScheduled;
  return driverCondition(
    'NetworkReady',
    world.ledgered && world.flannel !== undefined && flannelReady,
    'Provisioning',
    !world.ledgered ? 'allocating the flannel network' : world.flannel === undefined ? 'writing the flannel config' : 'flanneld starting on the hosts',
  );
}

/** `ControlPlaneReady` or `WorkersReady`: every VM of `role` is settled and its guest Node Ready at the cluster's version. */
function vmsReady(kc: KvmCluster, world: KvmWorld, rendered: RenderedCluster | undefined, role: NodeRole): DriverCondition {
  const type = role === NodeRole.Master ? 'ControlPlaneReady' : 'WorkersReady';
  // no rendering yet (the network is being allocated): no VM exists, so none is Ready
  if (rendered === undefined) return driverCondition(type, false, 'Provisioning', 'no VMs yet: allocating the flannel network');
  const version = kc.spec.kubernetes.version;
  const mine = rendered.nodes.filter((n) => n.role === role);
  const unschedulable = world.pods.find((p) => p.role === role && p.unschedulable !== undefined);
  if (unschedulable) return driverCondition(type, false, 'Unschedulable', `VM ${unschedulable.node} cannot be placed: ${unschedulable.unschedulable}`);
  const notReady = mine.filter((n) => !settled(world, n.name) || (world.guest.reachable && world.guest.nodes.get(n.name)?.version !== version));
  const detail = world.guest.reachable
    ? `${notReady.length} of ${mine.length} nodes not Ready at v${version} in the guest (${notReady.map((n) => n.name).join(', ')})`
    : world.guest.reason;
  return driverCondition(type, notReady.length === 0, 'NodesNotReady', detail);
}

/** The status nodes: every rendered node that has a VM pod, with its address and guest readiness. */
function statusNodes(kc: KvmCluster, world: KvmWorld, rendered: RenderedCluster | undefined): NonNullable<Observed<KvmObservation>['nodes']> {
  const version = kc.spec.kubernetes.version;
  const guestNodes = world.guest.reachable ? world.guest.nodes : new Map();
  return (rendered?.nodes ?? []).flatMap((n) => {
    const pod = world.pods.find((p) => p.node === n.name && !p.terminating) ?? world.pods.find((p) => p.node === n.name);
    if (pod === undefined) return [];
    const guest = guestNodes.get(n.name);
    return [
      {
        name: n.name,
        role: n.role,
        ...(n.pool ? { pool: n.pool } : {}),
        ready: guest?.ready === true && guest.version === version,
        ...(pod.ip ? { address: pod.ip } : {}),
        providerID: `kvm://${kc.id}/${n.name}`,
      },
    ];
  });
}
