/**
 * Service defaults and allocations, as kube-apiserver 1.32 sets them (internal): `type: ClusterIP`,
 * `sessionAffinity: None`, port protocol TCP and `targetPort` = `port`, `externalTrafficPolicy:
 * Cluster` for NodePort and LoadBalancer Services, `internalTrafficPolicy: Cluster`, a cluster IP
 * (from 10.96.0.0/12, `clusterIPs` and `ipFamilies: [IPv4]`, `ipFamilyPolicy: SingleStack`) for all
 * but ExternalName and headless Services, node ports (30000–32767) for NodePort and LoadBalancer
 * Services, `allocateLoadBalancerNodePorts: true`, `status.loadBalancer: {}`. On update, as the
 * registry's `NormalizeClusterIPs` and `patchAllocatedValues`: a changed `clusterIP` carries
 * `clusterIPs` along, and cluster IPs and node ports an update leaves out are kept.
 */
import type { ObjectStore } from '../object-store.js';
import { isObject, type JsonObject, type KubeObject } from '../types.js';
import { objects } from './causes.js';

/** What allocation needs to know: the cluster IPs and node ports already taken. */
export interface Allocated {
  readonly clusterIps: ReadonlySet<string>;
  readonly nodePorts: ReadonlySet<number>;
}

const randomIn = (size: number): number => Math.floor(Math.random() * size);

function allocateIp(taken: ReadonlySet<string>): string {
  for (;;) {
    const n = 1 + randomIn((1 << 20) - 2);
    const ip = `10.${96 + (n >> 16)}.${(n >> 8) & 255}.${n & 255}`;
    if (!taken.has(ip)) return ip;
  }
}

function allocatePort(taken: Set<number>): number {
  for (;;) {
    const port = 30000 + randomIn(2768);
    if (!taken.has(port)) return (taken.add(port), port);
  }
}

const needsClusterIp = (spec: JsonObject): boolean => spec.type !== 'ExternalName';
const needsNodePorts = (spec: JsonObject): boolean => spec.type === 'NodePort' || spec.type === 'LoadBalancer';

/** `NormalizeClusterIPs` and `patchAllocatedValues` of an update. */
function carryOver(spec: JsonObject, old: JsonObject): void {
  const same = (a: unknown, b: unknown) => JSON.stringify(a ?? []) === JSON.stringify(b ?? []);
  if (needsClusterIp(old) && needsClusterIp(spec)) {
    if (!spec.clusterIP) spec.clusterIP = old.clusterIP;
    if (!Array.isArray(spec.clusterIPs) || spec.clusterIPs.length === 0) spec.clusterIPs = old.clusterIPs;
  }
  if (spec.clusterIP !== old.clusterIP && same(spec.clusterIPs, old.clusterIPs)) spec.clusterIPs = spec.clusterIP ? [spec.clusterIP] : undefined;
  if (needsNodePorts(old) && needsNodePorts(spec)) {
    const before = objects(old.ports);
    for (const p of objects(spec.ports)) p.nodePort ??= before.find((b) => b.port === p.port && (b.protocol ?? 'TCP') === (p.protocol ?? 'TCP'))?.nodePort;
  }
}

function defaultPorts(spec: JsonObject): void {
  for (const p of objects(spec.ports)) {
    p.protocol ||= 'TCP';
    if (p.targetPort === undefined || p.targetPort === 0 || p.targetPort === '') p.targetPort = p.port;
  }
}

function allocate(spec: JsonObject, taken: Allocated): void {
  if (needsClusterIp(spec) && !spec.clusterIP) spec.clusterIP = allocateIp(taken.clusterIps);
  if (needsClusterIp(spec) && (!Array.isArray(spec.clusterIPs) || spec.clusterIPs.length === 0)) spec.clusterIPs = [spec.clusterIP];
  if (needsClusterIp(spec) && spec.clusterIP !== 'None') {
    spec.ipFamilies ??= ['IPv4'];
    spec.ipFamilyPolicy ??= 'SingleStack';
  }
  if (!needsNodePorts(spec)) return;
  const ports = new Set(taken.nodePorts);
  for (const p of objects(spec.ports)) p.nodePort ??= allocatePort(ports);
}

/** Defaults and allocates a Service's spec in place (`old`: the stored Service on an update). */
export function defaultService(obj: KubeObject, taken: () => Allocated, old?: KubeObject): void {
  if (!isObject(obj.spec)) obj.spec = {};
  const spec = obj.spec as JsonObject;
  spec.type ||= 'ClusterIP';
  spec.sessionAffinity ||= 'None';
  defaultPorts(spec);
  if (needsNodePorts(spec)) spec.externalTrafficPolicy ||= 'Cluster';
  if (spec.type === 'LoadBalancer') spec.allocateLoadBalancerNodePorts ??= true;
  if (needsClusterIp(spec)) spec.internalTrafficPolicy ||= 'Cluster';
  if (old && isObject(old.spec)) carryOver(spec, old.spec);
  allocate(spec, taken());
  if (isObject(obj.status) && !isObject(obj.status.loadBalancer)) obj.status.loadBalancer = {};
}

/** The cluster IPs and node ports the stored Services hold. */
export function allocatedByServices(store: ObjectStore): Allocated {
  const clusterIps = new Set<string>();
  const nodePorts = new Set<number>();
  for (const svc of store.list('/services')) {
    const spec = isObject(svc.spec) ? svc.spec : {};
    for (const ip of Array.isArray(spec.clusterIPs) ? spec.clusterIPs : []) if (typeof ip === 'string') clusterIps.add(ip);
    for (const p of objects(spec.ports)) if (typeof p.nodePort === 'number') nodePorts.add(p.nodePort);
  }
  return { clusterIps, nodePorts };
}
