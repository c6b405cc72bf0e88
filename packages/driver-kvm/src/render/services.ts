/**
 * Services `master` and `worker`, selector-less: the driver writes EndpointSlices with the VMs'
 * addresses ({@link renderEndpointSlice}), since the VMs are not pods.
 */
import type { KvmCluster } from './cluster.js';
import { ObjectName, objectMeta } from './names.js';
import type { EndpointSlice, Service } from './objects.js';

/**
 * The two Services of a cluster.
 * @inline
 */
export type VmServiceName = typeof ObjectName.MasterService | typeof ObjectName.WorkerService;

/** A Service port. */
export interface ServicePort {
  readonly name: string;
  readonly port: number;
  readonly protocol: 'TCP' | 'UDP';
}

/** Ports of `master`: the guest API server on `securePort`. */
export function masterPorts(cluster: KvmCluster): ServicePort[] {
  return [{ name: 'api', port: cluster.spec.kubernetes.api.securePort, protocol: 'TCP' }];
}

/** Ports of `worker`: the guest ingress (80, 443), then `portMappings` whose names are not taken. */
export function workerPorts(cluster: KvmCluster): ServicePort[] {
  const base: ServicePort[] = [
    { name: 'http', port: 80, protocol: 'TCP' },
    { name: 'https', port: 443, protocol: 'TCP' },
  ];
  const extra = cluster.spec.provider.kvm.portMappings.filter((m) => !base.some((b) => b.name === m.name || (b.port === m.port && b.protocol === m.protocol)));
  return [...base, ...extra.map((m) => ({ name: m.name, port: m.port, protocol: m.protocol }))];
}

const portsOf = (cluster: KvmCluster, service: VmServiceName) => (service === ObjectName.MasterService ? masterPorts(cluster) : workerPorts(cluster));

/** A selector-less ClusterIP Service (`master` or `worker`). */
export function renderService(cluster: KvmCluster, service: VmServiceName): Service {
  return {
    apiVersion: 'v1',
    kind: 'Service',
    metadata: objectMeta(cluster, service),
    spec: { type: 'ClusterIP', ports: portsOf(cluster, service).map((p) => ({ ...p, targetPort: p.port })) },
  };
}

/** Both Services. */
export function renderServices(cluster: KvmCluster): Service[] {
  return [renderService(cluster, ObjectName.MasterService), renderService(cluster, ObjectName.WorkerService)];
}

/** A VM's address as the launcher reports it. */
export interface VmEndpoint {
  /** The guest node (VM) name. */
  readonly node: string;
  /** The VM's address. */
  readonly ip: string;
  /** Whether the VM pod is Ready. @default true */
  readonly ready?: boolean;
}

/** Manager of the EndpointSlices written by the driver (never the built-in EndpointSlice controller's). */
export const ENDPOINT_SLICE_MANAGER = 'kvm-operator.kubeception.io';

/**
 * EndpointSlice `<service>` for Service `master` or `worker` at `apiVersion` (the host's): one
 * endpoint per VM, sorted by node name, with the Service's ports.
 */
export function renderEndpointSlice(
  cluster: KvmCluster,
  service: VmServiceName,
  endpoints: readonly VmEndpoint[],
  apiVersion: EndpointSlice['apiVersion'],
): EndpointSlice {
  const meta = objectMeta(cluster, service);
  return {
    apiVersion,
    kind: 'EndpointSlice',
    metadata: { ...meta, labels: { ...meta.labels, 'kubernetes.io/service-name': service, 'endpointslice.kubernetes.io/managed-by': ENDPOINT_SLICE_MANAGER } },
    addressType: 'IPv4',
    endpoints: [...endpoints]
      .sort((a, b) => (a.node < b.node ? -1 : a.node > b.node ? 1 : 0))
      .map((e) => ({ addresses: [e.ip], hostname: e.node, conditions: { ready: e.ready ?? true } })),
    ports: portsOf(cluster, service).map((p) => ({ ...p })),
  };
}
