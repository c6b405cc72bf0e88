/**
 * The VM simulator's reconcile of one guest node (internal): from the node's VM pods on the host
 * to the vm-ip annotation, the guest Node's registration and Ready condition, and its workload
 * pods. Keyed `<cluster>/<node>`; one node is never reconciled twice at once.
 */
import { NodeRole } from '@kubeception/sdk';
import { NodeResource, PodResource, type KubeError, type Pod, type ResourceClient } from '@kubeception/sdk/kube';
import type { Informer } from '@kubeception/sdk/runtime';
import { errAsync, okAsync } from 'neverthrow';
import { timestamp, type Clock } from '../simulated-host/clock.js';
import type { Outcome } from '../simulated-host/loop.js';
import { GUEST_RESTART_MS, type GuestCluster, type GuestRegistry } from './guest-cluster.js';
import type { VmAddressBook } from './vm-addresses.js';
import {
  guestNode,
  guestNodeLabels,
  guestNodeStatus,
  isVmUp,
  unknownConditions,
  vmIdentity,
  workloadPod,
  workloadPodStatus,
  type GuestNodeFacts,
  type VmIdentity,
} from './vm-objects.js';
import { VmEventType, VmPodKey, type VmEvent } from './vm-vocabulary.js';

/** What the simulator knows about one guest node. */
export interface NodeState {
  readonly cluster: string;
  readonly node: string;
  /** Keys (`namespace/name`) of the host pods of this node's VM. */
  readonly pods: Set<string>;
  /** The running VM: its pod, since when (clock ms) it runs, and who it is. */
  vm?: { readonly uid: string; readonly pod: string; readonly since: number; readonly identity: VmIdentity };
  /** The Ready status last written to the guest Node; undefined when there is no Node of ours. */
  reported?: 'True' | 'False' | 'Unknown';
  /** What was last written to the Node for the current VM. */
  written?: string;
  /** The uid of the VM pod whose Node was deleted while it ran (that kubelet does not register again). */
  deletedFor?: string;
  /** Names of the workload pods not deleted yet; undefined until they are made. */
  workloads?: Set<string>;
  workloadsMade: boolean;
  drained: boolean;
}

/** What the reconcile works with. */
export interface SyncContext {
  readonly clock: Clock;
  readonly pods: Informer<Pod>;
  readonly podClient: ResourceClient<Pod>;
  readonly addresses: VmAddressBook;
  readonly guests: GuestRegistry;
  readonly addressDelayMs: number;
  readonly nodeReadyDelayMs: number;
  readonly workloadPodsPerWorker: number;
  readonly record: (event: Omit<VmEvent, 'at'>) => void;
  /** Reconcile `key` again after `ms` of clock time. */
  readonly wake: (key: string, ms: number) => void;
  readonly onError: (component: string, key: string, error: unknown) => void;
}

/** A new, empty state. */
export const newNodeState = (cluster: string, node: string): NodeState => ({ cluster, node, pods: new Set(), workloadsMade: false, drained: false });

/** The key of a node's state and reconciles. */
export const nodeKey = (cluster: string, node: string): string => `${cluster}/${node}`;

/** Reconciles one node. */
export function syncNode(ctx: SyncContext, state: NodeState): Promise<Outcome> {
  const pod = livePod(ctx, state);
  return pod ? vmUp(ctx, state, pod) : vmDown(ctx, state);
}

/** The newest VM pod of the node whose VM runs. */
function livePod(ctx: SyncContext, state: NodeState): Pod | undefined {
  let best: Pod | undefined;
  for (const key of state.pods) {
    const pod = ctx.pods.store.get(key);
    if (pod === undefined || !isVmUp(pod) || vmIdentity(pod)?.node !== state.node) continue;
    if (best === undefined || (pod.metadata?.creationTimestamp ?? '') > (best.metadata?.creationTimestamp ?? '')) best = pod;
  }
  return best;
}

/** Failure handling of a write: NotFound ends the attempt, conflicts retry quietly, the rest is reported. */
function failed(ctx: SyncContext, state: NodeState, component: string, guest?: GuestCluster) {
  return (error: KubeError): Outcome => {
    if (error.kind === 'NotFound' || guest?.stopped) return 'done';
    if (error.kind !== 'Conflict' && error.kind !== 'AlreadyExists') ctx.onError(`vm-simulator/${component}`, nodeKey(state.cluster, state.node), error);
    return 'retry';
  };
}

function stopped(ctx: SyncContext, state: NodeState): void {
  const vm = state.vm;
  if (vm === undefined) return;
  state.vm = undefined;
  state.written = undefined;
  ctx.record({ cluster: state.cluster, node: state.node, type: VmEventType.VmStopped, version: vm.identity.version, pod: vm.pod });
}

async function vmUp(ctx: SyncContext, state: NodeState, pod: Pod): Promise<Outcome> {
  const key = nodeKey(state.cluster, state.node);
  const identity = vmIdentity(pod) as VmIdentity;
  const uid = pod.metadata?.uid ?? '';
  const now = ctx.clock.now();
  if (state.vm?.uid !== uid) {
    stopped(ctx, state);
    state.vm = { uid, pod: `${pod.metadata?.namespace}/${pod.metadata?.name}`, since: now, identity };
    ctx.record({ cluster: state.cluster, node: state.node, type: VmEventType.VmStarted, version: identity.version, pod: state.vm.pod });
  }
  const vm = state.vm;
  const addressWait = vm.since + ctx.addressDelayMs - now;
  if (addressWait > 0) {
    ctx.wake(key, addressWait);
    return 'done';
  }
  const ip = ctx.addresses.address(state.cluster, state.node).match(
    (address) => address,
    (message) => void ctx.onError('vm-simulator/address', key, new Error(message)),
  );
  if (ip === undefined) return 'done';
  if (pod.metadata?.annotations?.[VmPodKey.VmIp] !== ip) {
    const annotated = await ctx.podClient
      .patch(
        pod.metadata?.name ?? '',
        { type: 'merge', body: { metadata: { annotations: { [VmPodKey.VmIp]: ip } } } },
        { namespace: pod.metadata?.namespace ?? '' },
      )
      .match((): Outcome => 'done', failed(ctx, state, 'annotate'));
    if (annotated !== 'done') return annotated;
  }
  const guest = await ctx.guests.ready(state.cluster);
  if (guest === undefined && state.deletedFor !== uid && state.vm === vm) ctx.wake(key, GUEST_RESTART_MS); // its start failed: the registry starts it again
  if (guest === undefined || state.deletedFor === uid || state.vm !== vm) return 'done';
  const readyWait = vm.since + ctx.nodeReadyDelayMs - ctx.clock.now();
  if (readyWait > 0) ctx.wake(key, readyWait);
  const ready = readyWait <= 0;
  const facts: GuestNodeFacts = { identity, ip };
  const fingerprint = JSON.stringify([ready, identity.version, ip, guestNodeLabels(facts)]);
  if (state.written !== fingerprint) {
    const outcome = await writeNode(ctx, state, guest, facts, ready);
    if (outcome !== 'done') return outcome;
    state.written = fingerprint;
    const before = state.reported;
    state.reported = ready ? 'True' : 'False';
    if (ready && before !== 'True') ctx.record({ cluster: state.cluster, node: state.node, type: VmEventType.NodeReady, version: identity.version });
  }
  if (ready && identity.role === NodeRole.Worker && !state.workloadsMade) return makeWorkloads(ctx, state, guest, ip);
  return 'done';
}

/** Registers the Node, or updates its labels and status (a kubelet's view: Ready True or False). */
function writeNode(ctx: SyncContext, state: NodeState, guest: GuestCluster, facts: GuestNodeFacts, ready: boolean): Promise<Outcome> {
  const nodes = guest.client.resource(NodeResource);
  const at = timestamp(ctx.clock);
  const create = () => nodes.create(guestNode(facts, ready, at));
  const update = () =>
    nodes
      .patch(state.node, { type: 'merge', body: { metadata: { labels: guestNodeLabels(facts) } } })
      .andThen(() => nodes.patchStatus(state.node, { type: 'merge', body: { status: guestNodeStatus(facts, ready, at) } }));
  const write = guest.nodes.store.get(state.node)
    ? update().orElse((e) => (e.kind === 'NotFound' ? create() : errAsync(e)))
    : create().orElse((e) => (e.kind === 'AlreadyExists' ? update() : errAsync(e)));
  return write.match(
    (stored): Outcome => {
      guest.noteWrite(stored);
      return 'done';
    },
    failed(ctx, state, 'guest-node', guest),
  );
}

/** Creates the worker's workload pods (once per node name; deleted ones are not made again). */
async function makeWorkloads(ctx: SyncContext, state: NodeState, guest: GuestCluster, ip: string): Promise<Outcome> {
  const pods = guest.client.resource(PodResource);
  const wanted = Array.from({ length: ctx.workloadPodsPerWorker }, (_, i) => workloadPod(state.node, i));
  state.workloads ??= new Set(wanted.map((p) => p.metadata.name));
  const at = timestamp(ctx.clock);
  for (const pod of wanted) {
    if (!state.workloads.has(pod.metadata.name)) continue;
    const made = await pods
      .create(pod)
      .orElse((e) => (e.kind === 'AlreadyExists' ? pods.get(pod.metadata.name, { namespace: 'default' }) : errAsync(e)))
      .andThen((created) =>
        created.status?.phase === 'Running'
          ? okAsync(created)
          : pods.patchStatus(pod.metadata.name, { type: 'merge', body: { status: workloadPodStatus(ip, at) } }, { namespace: 'default' }),
      )
      .match(
        (stored): Outcome => {
          guest.noteWrite(stored);
          return 'done';
        },
        failed(ctx, state, 'workload', guest),
      );
    if (made !== 'done') return made;
  }
  state.workloadsMade = true;
  return 'done';
}

/** The VM does not run: the Node's conditions go Unknown, as the node lifecycle controller does. */
async function vmDown(ctx: SyncContext, state: NodeState): Promise<Outcome> {
  stopped(ctx, state);
  const guest = ctx.guests.get(state.cluster);
  if (guest === undefined || state.reported === undefined || state.reported === 'Unknown') return 'done';
  const before = state.reported;
  const conditions = unknownConditions(guest.nodes.store.get(state.node), timestamp(ctx.clock));
  return guest.client
    .resource(NodeResource)
    .patchStatus(state.node, { type: 'merge', body: { status: { conditions } } })
    .match(
      (stored): Outcome => {
        guest.noteWrite(stored);
        state.reported = 'Unknown';
        if (before === 'True') ctx.record({ cluster: state.cluster, node: state.node, type: VmEventType.NodeNotReady });
        return 'done';
      },
      (error) => {
        if (error.kind === 'NotFound') state.reported = undefined;
        return failed(ctx, state, 'guest-node', guest)(error);
      },
    );
}
