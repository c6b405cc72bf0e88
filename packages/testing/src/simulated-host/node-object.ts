/** The Node objects of simulated nodes: labels, capacity, conditions, addresses, pod CIDR (internal). */
import type { Node } from '@kubeception/sdk/kube';
import type { Taint } from './objects.js';

/** One simulated node. Every field is optional. */
export interface SimulatedNodeSpec {
  /** @default `node-<n>`, numbered from 1 in the order nodes are added */
  readonly name?: string;
  /** Roles, as `node-role.kubernetes.io/<role>` labels; `control-plane` also taints the node NoSchedule. @default ['worker'] */
  readonly roles?: readonly string[];
  /** `topology.kubernetes.io/zone`. @default zone-a, zone-b, zone-c in turn */
  readonly zone?: string;
  /** `topology.kubernetes.io/region`. @default 'region-1' */
  readonly region?: string;
  /** Extra labels. @default {} */
  readonly labels?: Readonly<Record<string, string>>;
  /** Extra taints. @default [] */
  readonly taints?: readonly Taint[];
  /** CPU capacity (a quantity). @default '8' */
  readonly cpu?: string;
  /** Memory capacity (a quantity). @default '32Gi' */
  readonly memory?: string;
  /** Pod capacity. @default 110 */
  readonly pods?: number;
  /** Allocatable resources, when less than the capacity. @default the capacity */
  readonly allocatable?: { readonly cpu?: string; readonly memory?: string; readonly pods?: number };
  /** Start cordoned. @default false */
  readonly unschedulable?: boolean;
}

const ZONES = ['zone-a', 'zone-b', 'zone-c'];

/** The pod CIDR of the node with this index: 10.244.0.0/24, 10.244.1.0/24, … (256 per /16). */
export function podCidrOf(index: number): string {
  return `10.${244 + Math.floor(index / 256)}.${index % 256}.0/24`;
}

/** The InternalIP of the node with this index: 172.18.0.2, 172.18.0.3, … */
export function nodeIpOf(index: number): string {
  const n = index + 2;
  return `172.18.${Math.floor(n / 256)}.${n % 256}`;
}

/** The Ready condition and its companions, as a kubelet reports them. */
export function nodeConditions(ready: boolean, at: string): NonNullable<Node['status']>['conditions'] {
  const ok = (type: string, reason: string, message: string) => ({ type, status: 'False', reason, message, lastHeartbeatTime: at, lastTransitionTime: at });
  return [
    ok('MemoryPressure', 'KubeletHasSufficientMemory', 'kubelet has sufficient memory available'),
    ok('DiskPressure', 'KubeletHasNoDiskPressure', 'kubelet has no disk pressure'),
    ok('PIDPressure', 'KubeletHasSufficientPID', 'kubelet has sufficient PID available'),
    ready
      ? { type: 'Ready', status: 'True', reason: 'KubeletReady', message: 'kubelet is posting ready status', lastHeartbeatTime: at, lastTransitionTime: at }
      : {
          type: 'Ready',
          status: 'False',
          reason: 'KubeletNotReady',
          message: 'container runtime network not ready: simulated',
          lastHeartbeatTime: at,
          lastTransitionTime: at,
        },
  ];
}

/** The Node object of a simulated node (status included: nodes keep their status on create). */
export function nodeObject(spec: SimulatedNodeSpec, index: number, at: string): Node & { metadata: { name: string } } {
  const name = spec.name ?? `node-${index + 1}`;
  const roles = spec.roles ?? ['worker'];
  const taints = nodeTaints(spec, roles, at);
  const cidr = podCidrOf(index);
  return {
    apiVersion: 'v1',
    kind: 'Node',
    metadata: {
      name,
      labels: nodeLabels(spec, name, roles, index),
      annotations: { 'node.alpha.kubernetes.io/ttl': '0', 'simulation.kubeception.io/index': String(index) },
    },
    spec: {
      podCIDR: cidr,
      podCIDRs: [cidr],
      providerID: `kubeception-sim://${name}`,
      ...(taints.length > 0 ? { taints } : {}),
      ...(spec.unschedulable ? { unschedulable: true } : {}),
    },
    status: {
      ...nodeResources(spec),
      conditions: nodeConditions(true, at),
      addresses: [
        { type: 'InternalIP', address: nodeIpOf(index) },
        { type: 'Hostname', address: name },
      ],
      daemonEndpoints: { kubeletEndpoint: { Port: 10250 } },
      nodeInfo: nodeInfo(index),
    },
  } as Node & { metadata: { name: string } };
}

/** The well-known labels (hostname, os, arch, zone, region, roles) and the spec's own. */
function nodeLabels(spec: SimulatedNodeSpec, name: string, roles: readonly string[], index: number): Record<string, string> {
  return {
    'kubernetes.io/hostname': name,
    'kubernetes.io/os': 'linux',
    'kubernetes.io/arch': 'amd64',
    'topology.kubernetes.io/zone': spec.zone ?? (ZONES[index % ZONES.length] as string),
    'topology.kubernetes.io/region': spec.region ?? 'region-1',
    'node.kubeception.io/simulated': 'true',
    ...Object.fromEntries(roles.map((r) => [`node-role.kubernetes.io/${r}`, ''])),
    ...spec.labels,
  };
}

/** The control-plane taint (for that role), the spec's taints, and the unschedulable taint of a cordoned node. */
function nodeTaints(spec: SimulatedNodeSpec, roles: readonly string[], at: string): Taint[] {
  const taints: Taint[] = [
    ...(roles.includes('control-plane') ? [{ key: 'node-role.kubernetes.io/control-plane', effect: 'NoSchedule' }] : []),
    ...(spec.taints ?? []),
  ];
  if (spec.unschedulable) taints.push({ key: 'node.kubernetes.io/unschedulable', effect: 'NoSchedule', timeAdded: at });
  return taints;
}

/** Capacity, and allocatable: the capacity less what the spec takes off. */
function nodeResources(spec: SimulatedNodeSpec) {
  const capacity = { cpu: spec.cpu ?? '8', memory: spec.memory ?? '32Gi', pods: String(spec.pods ?? 110), 'ephemeral-storage': '100Gi' };
  const a = spec.allocatable ?? {};
  const allocatable = {
    ...capacity,
    ...(a.cpu ? { cpu: a.cpu } : {}),
    ...(a.memory ? { memory: a.memory } : {}),
    ...(a.pods !== undefined ? { pods: String(a.pods) } : {}),
  };
  return { capacity, allocatable };
}

const nodeInfo = (index: number) => ({
  architecture: 'amd64',
  operatingSystem: 'linux',
  osImage: 'Kubeception simulated node',
  kernelVersion: '6.1.0-sim',
  kubeletVersion: 'v1.32.0',
  kubeProxyVersion: 'v1.32.0',
  containerRuntimeVersion: 'containerd://1.7.0-sim',
  machineID: `sim-${index}`,
  systemUUID: `sim-${index}`,
  bootID: `sim-${index}`,
});
