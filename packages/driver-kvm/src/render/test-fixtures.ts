/** Clusters and inputs shared by the render tests. */
import { readFileSync } from 'node:fs';
import { createClusterModel, type Cluster, type Persisted } from '@kubeception/sdk';
import { parse, stringify } from 'yaml';
import { provider, type KvmSpec } from '../provider-spec.js';
import { kvmCluster, type KvmCluster } from './cluster.js';
import type { RenderInputs, RenderedCluster } from './render-cluster.js';

const model = createClusterModel({ providers: [provider] });

/** Validates (defaults applied) and narrows a Cluster object. */
export function validated(obj: unknown): KvmCluster {
  const cluster = model.validate(obj)._unsafeUnwrap();
  const kvm = cluster.spec.provider.kvm;
  if (kvm === undefined) throw new Error('not a KVM cluster');
  return kvmCluster(cluster, kvm);
}

/** examples/samples/valid/cluster-kvm.yaml. */
export const sampleCluster = (): KvmCluster =>
  validated(parse(readFileSync(new URL('../../../../examples/samples/valid/cluster-kvm.yaml', import.meta.url), 'utf8')));

/** 3 masters on persistent volumes, two worker pools, a kernel+initrd guest, an extra port. */
export const haCluster = (etcdStorage?: object): KvmCluster => validated(haObject(etcdStorage));

/** The Cluster object of {@link haCluster}, before validation. */
export const haObject = (etcdStorage: object = { type: 'persistentVolume', persistentVolume: { size: '10Gi', storageClassName: 'fast' } }) => ({
  apiVersion: 'kubeception.io/v1alpha1',
  kind: 'Cluster',
  metadata: { name: 'prod', namespace: 'platform' },
  spec: {
    provider: {
      kvm: {
        launcher: { image: 'registry.example.com/kubeception/qemu-launcher:0.2.0' },
        guestImage: { kernel: '/images/vmlinuz', initrd: 'https://images.example.com/initrd.img' },
        etcdStorage,
        nodeSelector: { 'kubeception.io/vm-host': 'true' },
        ingressClassName: 'public',
        portMappings: [{ name: 'ssh', port: 22 }],
      },
    },
    kubernetes: { version: '1.33.1', api: { domain: 'api.prod.example.com', securePort: 6443 } },
    ingress: { domain: 'prod.example.com' },
    network: { podCIDR: '10.2.0.0/16' },
    masters: { replicas: 3, cpus: 4, memory: '8Gi', disk: '40Gi' },
    workers: [
      { name: 'general', replicas: 2, cpus: 2, memory: '4Gi', disk: '20Gi' },
      { name: 'gpu', replicas: 1, cpus: 8, memory: '1536Mi', disk: '100Gi', labels: { 'example.com/gpu': 'true' } },
    ],
  },
});

/** What a small test Cluster differs in. */
export interface SmallClusterOptions {
  /** `spec.provider.kvm`. @default {} */
  readonly kvm?: object;
  /** Replicas of its one worker pool `pool`; none when 0. @default 1 */
  readonly workers?: number;
}

/**
 * A validated, persisted KVM Cluster `namespace/name` (uid `uid-<namespace>-<name>`) of one-CPU,
 * 1Gi VMs, as the controller hands it to the driver.
 */
export function persistedCluster(namespace: string, name: string, options: SmallClusterOptions = {}): Persisted<Cluster> {
  const vm = { cpus: 1, memory: '1Gi', disk: '10Gi' };
  const workers = options.workers ?? 1;
  const valid = model
    .validate({
      apiVersion: 'kubeception.io/v1alpha1',
      kind: 'Cluster',
      metadata: { name, namespace },
      spec: {
        provider: { kvm: options.kvm ?? {} },
        kubernetes: { version: '1.33.1', api: { domain: `api.${name}.example.com` } },
        ingress: { domain: `${name}.example.com` },
        network: { podCIDR: '10.2.0.0/16' },
        masters: { replicas: 1, ...vm },
        workers: workers === 0 ? [] : [{ name: 'pool', replicas: workers, ...vm }],
      },
    })
    ._unsafeUnwrap();
  return {
    ...valid,
    metadata: { ...valid.metadata, name, namespace, uid: `uid-${namespace}-${name}`, resourceVersion: '1', generation: 1 },
  } as Persisted<Cluster>;
}

/** The parsed `spec.provider.kvm` of a Cluster. */
export const kvmSpecOf = (cluster: Cluster): KvmSpec => (cluster.spec.provider as { kvm: KvmSpec }).kvm;

/** Inputs of the sample render. */
export const sampleInputs: RenderInputs = {
  network: { network: '10.1.3.0/24', vni: 3 },
  flannel: { etcdEndpoints: ['https://flannel-etcd.kube-system.svc:2379'], etcdTlsSecretName: 'flannel-etcd-client' },
};

/** Inputs of the HA render. */
export const haInputs: RenderInputs = {
  network: { network: '10.1.7.0/24', vni: 7 },
  flannel: { etcdEndpoints: ['http://10.0.0.10:2379', 'http://10.0.0.11:2379'] },
  ingressNamespace: 'ingress',
};

/** A render as multi-document YAML, for file snapshots. */
export function toYaml(rendered: RenderedCluster): string {
  const header = stringify({ namespace: rendered.namespace, flannel: rendered.flannel, nodes: rendered.nodes.map((n) => n.name) });
  return [header, ...rendered.objects.map((o) => stringify(o, { lineWidth: 0 }))].join('---\n');
}

/** An Ignition config with every `data:` URL decoded, for a readable snapshot. */
export function decodedIgnition(json: string): string {
  const config = JSON.parse(json) as {
    storage: { files: { path: string; mode: number; contents: { source: string } }[] };
    systemd: { units: { name: string; contents: string }[] };
  };
  const files = config.storage.files.map((f) => `# file ${f.path} (${f.mode.toString(8)})\n${decodeURIComponent(f.contents.source.replace(/^data:,/, ''))}`);
  const units = config.systemd.units.map((u) => `# unit ${u.name}\n${u.contents}`);
  return [...files, ...units].join('\n');
}
