/**
 * One node of a rendered KVM cluster, placed on a simulated host exactly as the kubelet would run
 * it: the boot ConfigMap's data in the boot volume, certificate files where the projected volume
 * puts them, flanneld's `subnet.env`, and the launcher's environment taken from the rendered
 * container with each mount path moved under the host's root directory.
 */
import { createHash } from 'node:crypto';
import { chmodSync, mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import type { KubeObject } from '@kubeception/sdk';
import { generateServerCertificates } from '@kubeception/testing';
import type { VmHost } from './vm-host.js';

interface Mount {
  readonly name: string;
  readonly mountPath: string;
}
interface Container {
  readonly name: string;
  readonly env: readonly { readonly name: string; readonly value?: string; readonly valueFrom?: { readonly fieldRef?: { readonly fieldPath: string } } }[];
  readonly volumeMounts: readonly Mount[];
}
interface Volume {
  readonly name: string;
  readonly configMap?: { readonly name: string };
  readonly projected?: {
    readonly defaultMode: number;
    readonly sources: readonly { readonly secret: { readonly items: readonly { readonly path: string }[] } }[];
  };
}
interface VmDeployment extends KubeObject {
  readonly spec: {
    readonly template: {
      readonly metadata: { readonly labels: Record<string, string> };
      readonly spec: { readonly containers: readonly Container[]; readonly volumes: readonly Volume[] };
    };
  };
}
interface ConfigMap extends KubeObject {
  readonly data: Record<string, string>;
}

/** A node's rendered objects. */
export interface RenderedVm {
  readonly node: string;
  readonly deployment: VmDeployment;
  readonly container: Container;
  readonly bootConfigMap: ConfigMap;
}

const find = <T extends KubeObject>(objects: readonly KubeObject[], kind: string, name: string): T => {
  const found = objects.find((o) => o.kind === kind && o.metadata?.name === name);
  if (found === undefined) throw new Error(`rendered cluster has no ${kind} ${name}`);
  return found as T;
};

/** The Deployment `<node>`, its launcher container and the ConfigMap its boot volume names. */
export function renderedVm(objects: readonly KubeObject[], node: string): RenderedVm {
  const deployment = find<VmDeployment>(objects, 'Deployment', node);
  const pod = deployment.spec.template.spec;
  const [container] = pod.containers;
  const boot = pod.volumes.find((v) => v.configMap !== undefined);
  if (container === undefined || boot?.configMap === undefined) throw new Error(`Deployment ${node} has no container or boot ConfigMap`);
  return { node, deployment, container, bootConfigMap: find<ConfigMap>(objects, 'ConfigMap', boot.configMap.name) };
}

const sha256 = (data: string) => createHash('sha256').update(data).digest('hex');

/** What was placed on the host, for the assertions. */
export interface PlacedVm {
  /** The launcher's environment: the rendered one, mount paths moved under the host root. */
  readonly env: Record<string, string>;
  /** The host directory of a container mount path. */
  readonly hostPath: (containerPath: string) => string;
  /** SHA-256 of each boot ConfigMap key, by key. */
  readonly bootConfig: Readonly<Record<string, string>>;
  /** SHA-256 of each certificate file, by path relative to the certificate directory. */
  readonly certificates: Readonly<Record<string, string>>;
}

/** What flanneld would have leased this host. */
export interface FlannelLease {
  readonly network: string;
  /** e.g. `10.1.3.1/30`. */
  readonly subnet: string;
  readonly mtu: number;
}

/** The pod the kubelet would run (for the downward API's `metadata.name` and `metadata.namespace`). */
export interface PodIdentity {
  readonly name: string;
  readonly namespace: string;
}

/** Places the node's mounts on the host and returns its launcher environment. */
export async function placeVm(vm: RenderedVm, host: VmHost, lease: FlannelLease, pod: PodIdentity): Promise<PlacedVm> {
  const mounts = vm.container.volumeMounts.filter((m) => !m.mountPath.startsWith('/dev/')).sort((a, b) => b.mountPath.length - a.mountPath.length);
  const hostPath = (path: string) => (mounts.some((m) => path === m.mountPath || path.startsWith(`${m.mountPath}/`)) ? join(host.root, path) : path);
  for (const mount of mounts) mkdirSync(hostPath(mount.mountPath), { recursive: true });
  const mountOf = (volume: string) => hostPath(vm.container.volumeMounts.find((m) => m.name === volume)?.mountPath ?? `/missing-${volume}`);
  const volumes = vm.deployment.spec.template.spec.volumes;

  const bootDir = mountOf(volumes.find((v) => v.configMap !== undefined)?.name ?? '');
  for (const [key, value] of Object.entries(vm.bootConfigMap.data)) writeFileSync(join(bootDir, key), value);

  const projected = volumes.find((v) => v.projected !== undefined);
  if (projected?.projected === undefined) throw new Error(`Deployment ${vm.node} has no projected certificate volume`);
  const certificates = await writeCertificates(mountOf(projected.name), projected.projected);

  const fields: Record<string, string> = { 'metadata.name': pod.name, 'metadata.namespace': pod.namespace };
  const env = Object.fromEntries(
    vm.container.env.map(({ name, value, valueFrom }) => {
      const resolved = value ?? fields[valueFrom?.fieldRef?.fieldPath ?? ''];
      if (resolved === undefined) throw new Error(`cannot resolve env ${name} of ${vm.node}`);
      return [name, hostPath(resolved)];
    }),
  );
  const subnetFile = env.FLANNEL_SUBNET_FILE ?? '';
  mkdirSync(dirname(subnetFile), { recursive: true });
  writeFileSync(subnetFile, `FLANNEL_NETWORK=${lease.network}\nFLANNEL_SUBNET=${lease.subnet}\nFLANNEL_MTU=${lease.mtu}\nFLANNEL_IPMASQ=false\n`);
  const bootConfig = Object.fromEntries(Object.entries(vm.bootConfigMap.data).map(([key, value]) => [key, sha256(value)]));
  return { env, hostPath, bootConfig, certificates };
}

/** Real PEMs (a CA, a leaf and its key per component) at the projected paths, with its mode. */
async function writeCertificates(dir: string, projected: NonNullable<Volume['projected']>): Promise<Record<string, string>> {
  const hashes: Record<string, string> = {};
  for (const source of projected.sources) {
    const pems = await generateServerCertificates();
    const content: Record<string, string> = { 'tls.crt': pems.certificate, 'tls.key': pems.privateKey, 'ca.crt': pems.caCertificate };
    for (const { path } of source.secret.items) {
      const file = join(dir, path);
      const text = content[path.slice(path.lastIndexOf('/') + 1)] ?? `unexpected ${path}\n`;
      mkdirSync(dirname(file), { recursive: true });
      writeFileSync(file, text);
      chmodSync(file, projected.defaultMode);
      hashes[path] = sha256(text);
    }
  }
  return hashes;
}
