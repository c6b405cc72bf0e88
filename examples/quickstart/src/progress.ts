/**
 * What the quick start waits for, one step at a time: a snapshot of a Cluster and what it owns,
 * and per step a pure check of that snapshot (done or not, and a detail for the task title).
 */
import {
  CertificateAuthorityResource,
  CertificateResource,
  ClusterResource,
  isTrue,
  Label,
  type Certificate,
  type CertificateAuthority,
  type Cluster,
  type Persisted,
} from '@kubeception/sdk';
import type { Machine, World } from './world.js';

/** A Cluster and its objects, read at one moment. */
export interface Snapshot {
  readonly cluster: Persisted<Cluster> | undefined;
  readonly authority: Persisted<CertificateAuthority> | undefined;
  readonly certificates: readonly Persisted<Certificate>[];
  /** VM pods (KVM) or instances (AWS) of the guest nodes. */
  readonly machines: readonly Machine[];
  /** What the provider built outside the API server, when it tells ({@link World.infrastructure}). */
  readonly infrastructure: string;
}

/** Reads a {@link Snapshot}; a failed read counts as "not there yet". */
export async function readSnapshot(world: World, name: string, namespace: string): Promise<Snapshot> {
  const { kube } = world;
  const labelSelector = `${Label.Cluster}=${name}`;
  const [cluster, authorities, certificates, machines] = await Promise.all([
    kube.resource(ClusterResource).get(name, { namespace }).unwrapOr(undefined),
    kube
      .resource(CertificateAuthorityResource)
      .list({ namespace, labelSelector })
      .map((l) => l.items)
      .unwrapOr([]),
    kube
      .resource(CertificateResource)
      .list({ namespace, labelSelector })
      .map((l) => l.items)
      .unwrapOr([]),
    world.machines(name),
  ]);
  return { cluster, authority: authorities[0], certificates, machines, infrastructure: world.infrastructure?.(name) ?? '' };
}

/** A step's verdict on a snapshot. */
export interface Check {
  readonly done: boolean;
  /** Shown after the step's title, e.g. `4/7`. */
  readonly detail: string;
}

/** One step of a Cluster's way to Ready. */
export interface Step {
  readonly title: string;
  check(snapshot: Snapshot, expectedNodes: number): Check;
}

/** The component certificates every Cluster gets (pki-vault's `clusterPki`). */
export const CERTIFICATES = 7;

const ready = (o: { status?: { conditions?: Parameters<typeof isTrue>[0] } } | undefined) => isTrue(o?.status?.conditions, 'Ready');
const condition = (cluster: Persisted<Cluster> | undefined, type: string) => cluster?.status?.conditions?.find((c) => c.type === type);

const authorityReady: Step = {
  title: 'CA ready',
  check: ({ authority }) => ({ done: ready(authority), detail: authority?.status?.mountPath ? `Vault mount ${authority.status.mountPath}` : '' }),
};

const certificatesIssued: Step = {
  title: 'certificates issued',
  check: ({ certificates }) => {
    const issued = certificates.filter(ready).length;
    return { done: issued >= CERTIFICATES, detail: `${issued}/${CERTIFICATES}` };
  },
};

const machinesRunning = (title: string): Step => ({
  title,
  check: ({ machines }, expected) => {
    const n = machines.filter((m) => m.running).length;
    return { done: n >= expected, detail: `${n}/${expected}` };
  },
});

const nodesReady = (title: string): Step => ({
  title,
  check: ({ cluster }, expected) => {
    const n = cluster?.status?.nodes?.filter((node) => node.ready).length ?? 0;
    return { done: n >= expected, detail: `${n}/${expected}` };
  },
});

const clusterReady: Step = {
  title: 'Cluster Ready',
  check: ({ cluster }) => {
    const phase = cluster?.status?.phase ?? 'Pending';
    return { done: phase === 'Ready', detail: phase === 'Ready' ? '' : phase };
  },
};

/** The steps of a KVM Cluster, in order. */
export const KVM_STEPS: readonly Step[] = [
  authorityReady,
  certificatesIssued,
  {
    title: 'network allocated',
    check: ({ cluster }) => {
      const flannel = cluster?.status?.network?.flannel;
      const done = flannel?.network !== undefined && flannel.vni !== undefined;
      return { done, detail: done ? `${flannel.network}, VNI ${flannel.vni}` : '' };
    },
  },
  machinesRunning('VMs scheduled and running'),
  nodesReady('guest nodes Ready'),
  clusterReady,
];

/** The steps of an AWS Cluster, in order. */
export const AWS_STEPS: readonly Step[] = [
  authorityReady,
  certificatesIssued,
  {
    title: 'infrastructure',
    check: ({ cluster, infrastructure }) => {
      const infra = condition(cluster, 'InfrastructureReady');
      return { done: infra?.status === 'True', detail: infrastructure || infra?.message || '' };
    },
  },
  machinesRunning('instances running'),
  nodesReady('nodes Ready'),
  clusterReady,
];

/** `Provisioning (NetworkReady: flanneld starting; …)`: why a Cluster is not Ready, for a timeout message. */
export function pendingReason(cluster: Persisted<Cluster> | undefined): string {
  const pending = cluster?.status?.conditions?.filter((c) => c.status !== 'True' && c.type !== 'Ready').map((c) => `${c.type}: ${c.message || c.reason}`) ?? [];
  return `${cluster?.status?.phase ?? 'Pending'}${pending.length ? ` (${pending.join('; ')})` : ''}`;
}
