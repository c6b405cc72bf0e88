/**
 * The simulated host cluster: the fake API server plus the parts of a host that make pods
 * happen, all writing through the API (so the request log and watches see them).
 *
 * - **Nodes** with hostname, role, zone and region labels, capacity and allocatable (cpu, memory,
 *   pods), a pod CIDR, addresses and conditions; `nodes.add / remove / cordon / uncordon / setReady`.
 * - **Scheduler**: nodeSelector, required node affinity (labels and `metadata.name` fields),
 *   required pod affinity and anti-affinity on any topology key, resource requests against
 *   allocatable, taints and tolerations, cordoned nodes. Unschedulable pods get
 *   `PodScheduled=False`, reason `Unschedulable`, with kube-scheduler's message.
 * - **Kubelet**: Running/Ready after `startDelayMs`, pod IPs from the node's pod CIDR, container
 *   statuses, restarts when a container image changes, Jobs' pods succeed after `runDurationMs`,
 *   hooks to fail / complete / crash-loop / unready / recover a pod, graceful deletion after the
 *   grace period, Ready=False while the node is NotReady.
 * - **Node lifecycle**: eviction from NotReady nodes after the toleration (300 s by default),
 *   force deletion of pods bound to removed nodes (after 40 s).
 * - **Controllers**: Deployment (Recreate, RollingUpdate with maxSurge/maxUnavailable, revisions,
 *   history limit, status and conditions), ReplicaSet, DaemonSet, Job, Endpoints.
 * - A **clock** (`createSimulatedClock`) that tests advance instead of sleeping, and `settle()`.
 *
 * ### What it does not model
 * Preemption and pod priority, scoring plugins other than spreading and least-allocated,
 * topology spread constraints, preferred (soft) affinities, host ports, volumes and volume
 * binding, resource limits and QoS eviction, node pressure, node leases and heartbeats, probes
 * (readiness is Ready unless a hook says otherwise), init containers actually running,
 * `minReadySeconds`, progress deadlines, proportional scaling of several live ReplicaSets,
 * ReplicaSet adoption of orphans, ControllerRevisions (DaemonSets track `pod-template-generation`),
 * indexed Jobs, pod failure policies and Job back-off delays, the EndpointSlice controller (the
 * fake serves EndpointSlices; nothing here writes them), Services' cluster IPs and kube-proxy,
 * StatefulSets, CronJobs and HPAs.
 * Only the node lifecycle of NotReady (kubelet alive but reporting not ready); an unreachable
 * node's kubelet still finishes graceful deletions.
 *
 * @packageDocumentation
 */

// The simulated host
export { startSimulatedHost } from './host.js';
export type { ControllerSwitches, SimulatedHost, SimulatedHostOptions, SimulationFailure } from './host.js';

// Parts and their options
export type { NodeControls } from './node-controls.js';
export type { SimulatedNodeSpec } from './node-object.js';
export type { SchedulerOptions } from './scheduler.js';
export type { KubeletOptions } from './kubelet.js';
export type { KubeletHooks, PodDirective } from './kubelet-hooks.js';
export type { NodeLifecycleOptions } from './node-lifecycle.js';

// Clocks
export { createSimulatedClock, realClock } from './clock.js';
export type { Clock, SimulatedClock, SimulatedClockOptions } from './clock.js';
