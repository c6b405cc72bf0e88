/** Cross-field checks of a Cluster that a schema cannot express. */
import { cidrsOverlap, parseCidr, type Cidr } from '../parse/cidr.js';
import { parseDuration } from '../parse/duration.js';
import type { FieldIssue } from '../validation.js';

/** The parts of a parsed Cluster the checks read. */
export interface CheckedCluster {
  readonly metadata: { readonly name?: string | undefined; readonly generateName?: string | undefined };
  readonly spec: {
    readonly kubernetes: { readonly api: { readonly serviceCIDR: string } };
    readonly network: { readonly podCIDR: string; readonly flannel: { readonly network?: string | undefined; readonly subnetLen: number } };
    readonly masters: { readonly replicas: number };
    readonly workers: readonly { readonly name: string; readonly replicas: number }[];
    readonly certificates: { readonly caTTL: string; readonly ttl: string; readonly renewBefore?: string | undefined };
  };
}

/** Runs every cross-field check; returns all issues found. */
export function checkCluster(cluster: CheckedCluster): FieldIssue[] {
  return [...checkName(cluster), ...checkPools(cluster), ...checkNetworks(cluster), ...checkLifetimes(cluster)];
}

function checkName({ metadata }: CheckedCluster): FieldIssue[] {
  return metadata.name === undefined && metadata.generateName === undefined ? [{ path: 'metadata.name', message: 'is required' }] : [];
}

function checkPools({ spec }: CheckedCluster): FieldIssue[] {
  const seen = new Map<string, number>();
  return spec.workers.flatMap((pool, index) => {
    const first = seen.get(pool.name);
    if (first === undefined) {
      seen.set(pool.name, index);
      return [];
    }
    return [{ path: `spec.workers[${index}].name`, message: `duplicate pool name "${pool.name}" (already used by spec.workers[${first}])` }];
  });
}

function checkNetworks({ spec }: CheckedCluster): FieldIssue[] {
  const networks: [string, Cidr][] = [];
  const add = (path: string, text: string | undefined) => {
    if (text === undefined) return;
    const parsed = parseCidr(text);
    if (typeof parsed !== 'string') networks.push([path, parsed]);
  };
  add('spec.network.podCIDR', spec.network.podCIDR);
  add('spec.kubernetes.api.serviceCIDR', spec.kubernetes.api.serviceCIDR);
  add('spec.network.flannel.network', spec.network.flannel.network);

  const issues: FieldIssue[] = [];
  networks.forEach(([path, net], i) => {
    for (const [otherPath, other] of networks.slice(0, i)) {
      if (cidrsOverlap(net, other)) {
        issues.push({ path, message: `${net.text} overlaps ${otherPath} (${other.text}); the networks must be disjoint` });
      }
    }
  });

  const flannel = networks.find(([path]) => path === 'spec.network.flannel.network')?.[1];
  const { subnetLen } = spec.network.flannel;
  if (flannel !== undefined) {
    if (subnetLen <= flannel.prefix) {
      issues.push({
        path: 'spec.network.flannel.subnetLen',
        message: `must be longer than the flannel network's prefix /${flannel.prefix} (got ${subnetLen})`,
      });
    } else {
      const subnets = 2 ** (subnetLen - flannel.prefix);
      const nodes = spec.masters.replicas + spec.workers.reduce((sum, pool) => sum + pool.replicas, 0);
      if (nodes > subnets) {
        issues.push({
          path: 'spec.network.flannel.network',
          message: `${flannel.text} holds ${subnets} /${subnetLen} host subnets, fewer than the cluster's ${nodes} nodes`,
        });
      }
    }
  }
  return issues;
}

function checkLifetimes({ spec }: CheckedCluster): FieldIssue[] {
  const { caTTL, ttl, renewBefore } = spec.certificates;
  const issues: FieldIssue[] = [];
  if ((parseDuration(ttl) ?? 0) >= (parseDuration(caTTL) ?? 0)) {
    issues.push({ path: 'spec.certificates.ttl', message: `must be shorter than caTTL (${ttl} ≥ ${caTTL}): a certificate cannot outlive its CA` });
  }
  if (renewBefore !== undefined && (parseDuration(renewBefore) ?? 0) >= (parseDuration(ttl) ?? 0)) {
    issues.push({
      path: 'spec.certificates.renewBefore',
      message: `must be shorter than ttl (${renewBefore} ≥ ${ttl}), or certificates would be renewed forever`,
    });
  }
  return issues;
}
