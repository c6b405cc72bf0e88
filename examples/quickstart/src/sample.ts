/** The sample KVM Cluster (`examples/samples/valid/cluster-kvm.yaml`) and its copies. */
import { readFileSync } from 'node:fs';
import type { ClusterInput } from '@kubeception/sdk';
import { parse } from 'yaml';

/** A sample file of `examples/samples/valid/` by name. */
export const sampleUrl = (file: string): URL => new URL(`../../samples/valid/${file}`, import.meta.url);

interface SampleShape {
  metadata: { name: string; namespace: string };
  spec: { kubernetes: { api: { domain: string } }; ingress: { domain: string }; masters: { replicas: number }; workers: { name: string; replicas: number }[] };
}

/** Name of the i-th copy (0-based): demo, demo-2, demo-3, … */
export const copyName = (base: string, i: number): string => (i === 0 ? base : `${base}-${i + 1}`);

/**
 * `count` copies of the sample, each with its own name and domains, and with `workers`
 * replacing the replicas of the first (default) worker pool when given.
 */
export function sampleClusters(options: { readonly file: string; readonly count: number; readonly workers?: number | undefined }): ClusterInput[] {
  const text = readFileSync(sampleUrl(options.file), 'utf8');
  return Array.from({ length: options.count }, (_, i) => {
    const cluster = parse(text) as SampleShape;
    const base = cluster.metadata.name;
    const name = copyName(base, i);
    cluster.metadata.name = name;
    const rename = (domain: string) => domain.replace(new RegExp(`(^|\\.)${base}(\\.|$)`), `$1${name}$2`);
    cluster.spec.kubernetes.api.domain = rename(cluster.spec.kubernetes.api.domain);
    cluster.spec.ingress.domain = rename(cluster.spec.ingress.domain);
    const pool = cluster.spec.workers[0];
    if (options.workers !== undefined && pool) pool.replicas = options.workers;
    return cluster as unknown as ClusterInput;
  });
}

/** The AMIs a sample names (AWS), for the fake EC2's catalogue. */
export function sampleAmis(clusters: readonly ClusterInput[]): string[] {
  const amis = clusters.flatMap((c) => {
    const instances = (c as unknown as { spec: { provider: { aws?: { instances?: Record<string, { ami?: string }> } } } }).spec.provider.aws?.instances ?? {};
    return Object.values(instances).flatMap((i) => (i.ami ? [i.ami] : []));
  });
  return [...new Set(amis)];
}

/** VMs a Cluster asks for: masters plus every pool's workers. */
export function expectedNodes(cluster: ClusterInput): number {
  const spec = (cluster as unknown as SampleShape).spec;
  return spec.masters.replicas + spec.workers.reduce((n, p) => n + p.replicas, 0);
}
