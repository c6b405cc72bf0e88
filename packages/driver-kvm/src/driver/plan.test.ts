import { NodeRole, type KubeObject, type Persisted } from '@kubeception/sdk';
import type { Secret } from '@kubeception/sdk/kube';
import { describe, expect, it } from 'vitest';
import { renderCluster } from '../render/render-cluster.js';
import { sampleCluster, sampleInputs, validated } from '../render/test-fixtures.js';
import type { KvmCluster } from '../render/cluster.js';
import { SPEC_DIGEST, SPEC_ELIDED_KINDS, specDigest } from './elided-specs.js';
import { selectionOf } from './host.js';
import { plannedFromDigests } from './source-secrets.js';
import { digestOf } from '@kubeception/sdk/runtime';
import { planCluster } from './plan.js';
import type { KvmWorld } from './world.js';

const sources: Secret[] = [
  { apiVersion: 'v1', kind: 'Secret', type: 'kubernetes.io/tls', metadata: { name: 'demo-api', namespace: 'default' }, data: { 'tls.crt': 'Y2VydA==' } },
];

/** A host with nothing of the cluster on it yet: its network ledgered, no guest API. */
const emptyWorld = (): KvmWorld => ({ objects: new Map(), pods: [], certificates: [], ledgered: true, guest: { reachable: false, reason: 'no VM' } });

/**
 * An object as a pass sees it once written: as the driver's caches hold it (`selectionOf`'s
 * transforms: data values of ConfigMaps and Secrets as digests, Deployments without their spec)
 * and, for a Deployment, with the digest of the spec it was checked against (`elided-specs.ts`).
 */
const cachedForm = (o: KubeObject): Persisted<KubeObject> => {
  const selection = selectionOf({ kind: o.kind ?? '' });
  const cached = (selection?.transform ? selection.transform.apply(o as Persisted<KubeObject>) : o) as Persisted<KubeObject>;
  return SPEC_ELIDED_KINDS.has(o.kind ?? '') ? ({ ...cached, [SPEC_DIGEST]: specDigest(o) } as Persisted<KubeObject>) : cached;
};

/** A world where `cluster` (rendered) runs converged at `version`, its objects as the caches hold them. */
function converged(cluster: KvmCluster, version = cluster.spec.kubernetes.version): KvmWorld {
  const rendered = renderCluster(cluster, sampleInputs)._unsafeUnwrap();
  const plan = planCluster(cluster, emptyWorld(), rendered, sources);
  const objects = new Map<string, Persisted<KubeObject>>();
  for (const o of plan.applies) {
    const status = o.kind === 'Deployment' ? { status: { observedGeneration: 1, replicas: 1, updatedReplicas: 1, readyReplicas: 1 } } : {};
    objects.set(
      `${o.kind}/${o.metadata?.name}`,
      cachedForm({ ...o, ...status, metadata: { ...o.metadata, generation: 1, uid: 'u', resourceVersion: '1' } } as Persisted<KubeObject>),
    );
  }
  const pods = rendered.nodes.map((n, i) => ({
    name: `${n.name}-abc`,
    node: n.name,
    role: n.role,
    phase: 'Running',
    ready: true,
    terminating: false,
    ip: `10.1.3.${i + 2}`,
  }));
  const world: KvmWorld = {
    objects,
    pods,
    certificates: [],
    network: sampleInputs.network,
    ledgered: true,
    guest: { reachable: true, nodes: new Map(rendered.nodes.map((n) => [n.name, { name: n.name, ready: true, version, unschedulable: false }])) },
  };
  // the EndpointSlices now carry the VM addresses
  for (const o of planCluster(cluster, world, rendered, sources).applies) objects.set(`${o.kind}/${o.metadata?.name}`, cachedForm(o));
  return world;
}

const withSpec = (patch: (spec: Record<string, unknown>) => void): KvmCluster => {
  const base = structuredClone(sampleCluster()) as unknown as { metadata: object; spec: Record<string, unknown> };
  patch(base.spec);
  return validated({ apiVersion: 'kubeception.io/v1alpha1', kind: 'Cluster', metadata: { ...base.metadata }, spec: base.spec });
};

describe('planCluster', () => {
  it('writes every host object of a new cluster at once, and the Secret copies', () => {
    const cluster = sampleCluster();
    const rendered = renderCluster(cluster, sampleInputs)._unsafeUnwrap();
    const plan = planCluster(cluster, emptyWorld(), rendered, sources);
    expect(plan.applies[0]?.kind).toBe('Namespace');
    expect(plan.applies.map((o) => `${o.kind}/${o.metadata?.name}`)).toEqual(
      expect.arrayContaining(rendered.objects.map((o) => `${o.kind}/${o.metadata?.name}`)),
    );
    expect(plan.applies.filter((o) => o.kind === 'Secret').map((o) => [o.metadata?.namespace, o.metadata?.name])).toEqual([[cluster.id, 'demo-api']]);
    expect(plan.deletes).toEqual([]);
    expect(plan.waiting).toContain('VMs being created');
  });

  it('creates a Service’s EndpointSlice with its first VM address, and keeps an existing one following the VMs down to none', () => {
    const cluster = sampleCluster();
    const rendered = renderCluster(cluster, sampleInputs)._unsafeUnwrap();
    const slices = (plan: ReturnType<typeof planCluster>) =>
      plan.applies.filter((o) => o.kind === 'EndpointSlice') as unknown as { metadata: { name: string }; endpoints: { addresses: string[] }[] }[];
    const fresh = emptyWorld();
    expect(slices(planCluster(cluster, fresh, rendered, sources))).toEqual([]);
    const master = rendered.nodes.find((n) => n.role === NodeRole.Master)!;
    const addressed = {
      ...fresh,
      pods: [{ name: `${master.name}-abc`, node: master.name, role: master.role, phase: 'Running', ready: false, terminating: false, ip: '10.1.3.2' }],
    };
    expect(slices(planCluster(cluster, addressed, rendered, sources)).map((s) => [s.metadata.name, s.endpoints.map((e) => e.addresses[0])])).toEqual([
      ['master', ['10.1.3.2']],
    ]);
    // every VM gone: the existing slices are emptied, not left with stale addresses
    const world = converged(cluster);
    const emptied = slices(planCluster(cluster, { ...world, pods: [] }, rendered, sources));
    expect(emptied.map((s) => [s.metadata.name, s.endpoints.length])).toEqual([
      ['master', 0],
      ['worker', 0],
    ]);
  });

  it('does nothing in a converged world', () => {
    const cluster = sampleCluster();
    const plan = planCluster(cluster, converged(cluster), renderCluster(cluster, sampleInputs)._unsafeUnwrap(), sources);
    expect(plan).toEqual({ applies: [], deletes: [], waiting: [] });
  });

  it('marks the wait as on the guest only while a Ready VM pod has no Ready guest Node at its version', () => {
    const cluster = sampleCluster();
    const rendered = renderCluster(cluster, sampleInputs)._unsafeUnwrap();
    const world = converged(cluster);
    const first = rendered.nodes[0];
    const guestNodes = (ready: boolean, version: string = cluster.spec.kubernetes.version) =>
      new Map(
        rendered.nodes.map((n) => [
          n.name,
          {
            name: n.name,
            ready: n.name === first?.name ? ready : true,
            version: n.name === first?.name ? version : cluster.spec.kubernetes.version,
            unschedulable: false,
          },
        ]),
      );
    // the pod is Ready, the guest Node is not: no watch will say when it is
    expect(planCluster(cluster, { ...world, guest: { reachable: true, nodes: guestNodes(false) } }, rendered, sources).guestPending).toBe(true);
    expect(planCluster(cluster, { ...world, guest: { reachable: true, nodes: guestNodes(true, '1.0.0') } }, rendered, sources).guestPending).toBe(true);
    expect(planCluster(cluster, { ...world, guest: { reachable: false, reason: 'connection refused' } }, rendered, sources).guestPending).toBe(true);
    // the pod is not Ready yet: its change is watched, so the wait is not on the guest
    const notReady = world.pods.map((p) => (p.node === first?.name ? { ...p, ready: false } : p));
    const waitingForPod = planCluster(cluster, { ...world, pods: notReady, guest: { reachable: true, nodes: guestNodes(false) } }, rendered, sources);
    expect(waitingForPod.waiting.length).toBeGreaterThan(0);
    expect(waitingForPod.guestPending).toBeUndefined();
    expect(planCluster(cluster, world, rendered, sources).guestPending).toBeUndefined();
  });

  it('reverts a manual edit of an owned field (the edited Deployment, at a generation not checked, is read whole)', () => {
    const cluster = sampleCluster();
    const world = converged(cluster);
    const rendered = renderCluster(cluster, sampleInputs)._unsafeUnwrap();
    const desired = rendered.objects.find((o) => o.kind === 'Deployment' && o.metadata?.name === 'demo-default-1')!;
    const edited = structuredClone(desired) as unknown as Persisted<KubeObject> & {
      spec: { template: { spec: { containers: { resources: { limits: Record<string, string> } }[] } } };
    };
    edited.spec.template.spec.containers[0]!.resources.limits.memory = '99Gi';
    const objects = world.objects as Map<string, Persisted<KubeObject>>;
    objects.set('Deployment/demo-default-1', { ...edited, metadata: { ...edited.metadata, generation: 2, uid: 'u', resourceVersion: '2' } });
    const plan = planCluster(cluster, world, rendered, sources);
    expect(plan.applies.map((o) => `${o.kind}/${o.metadata?.name}`)).toEqual(['Deployment/demo-default-1']);
    // read whole and not edited: nothing to write
    objects.set('Deployment/demo-default-1', {
      ...desired,
      metadata: { ...desired.metadata, generation: 2, uid: 'u', resourceVersion: '2' },
    } as Persisted<KubeObject>);
    expect(planCluster(cluster, world, rendered, sources).applies).toEqual([]);
  });

  it('sees a manual edit of a boot config or a Secret copy through the digests its cache keeps, and writes the object again', () => {
    const cluster = sampleCluster();
    const world = converged(cluster);
    const objects = world.objects as Map<string, Persisted<KubeObject>>;
    const boot = [...objects.keys()].find((k) => k.startsWith('ConfigMap/'))!;
    const copy = 'Secret/demo-api';
    for (const key of [boot, copy]) {
      const cached = objects.get(key) as Persisted<KubeObject> & { data: Record<string, string> };
      expect(Object.values(cached.data).every((v) => v.startsWith('sha256:'))).toBe(true);
    }
    expect(planCluster(cluster, world, renderCluster(cluster, sampleInputs)._unsafeUnwrap(), sources).applies).toEqual([]);
    const edited = (key: string) => {
      const cached = objects.get(key) as Persisted<KubeObject> & { data: Record<string, string> };
      const [first] = Object.keys(cached.data);
      objects.set(key, cachedForm({ ...cached, data: { ...cached.data, [first!]: 'ZWRpdGVk' } } as Persisted<KubeObject>));
    };
    edited(boot);
    edited(copy);
    const plan = planCluster(cluster, world, renderCluster(cluster, sampleInputs)._unsafeUnwrap(), sources);
    expect(plan.applies.map((o) => `${o.kind}/${o.metadata?.name}`).sort()).toEqual([boot, copy].sort());
    // what is written is the whole object, not its digests
    const written = plan.applies.find((o) => `${o.kind}/${o.metadata?.name}` === copy) as Secret;
    expect(written.data).toEqual({ 'tls.crt': 'Y2VydA==' });
  });

  it('plans a copy of a source cached as digests with its digests: nothing when they are the copy’s, else the copy, to be read whole before it is written', () => {
    const cluster = sampleCluster();
    const world = converged(cluster);
    const rendered = renderCluster(cluster, sampleInputs)._unsafeUnwrap();
    const digested = (value: string): Secret[] => [{ ...sources[0]!, data: { 'tls.crt': digestOf(value) } }];
    expect(planCluster(cluster, world, rendered, digested('Y2VydA==')).applies).toEqual([]);
    const [copy, ...rest] = planCluster(cluster, world, rendered, digested('cmVuZXdlZA==')).applies;
    expect(rest).toEqual([]);
    expect(copy).toMatchObject({ kind: 'Secret', metadata: { name: 'demo-api' }, data: { 'tls.crt': digestOf('cmVuZXdlZA==') } });
    expect(plannedFromDigests(copy!)).toBe(true);
  });

  it('replaces VMs for a new version one at a time, masters first', () => {
    const old = sampleCluster();
    const next = withSpec((spec) => ((spec.kubernetes as { version: string }).version = '1.32.5'));
    const world = converged(old);
    const plan = planCluster(next, world, renderCluster(next, sampleInputs)._unsafeUnwrap(), sources);
    expect(plan.replacing).toBe('demo-master-0');
    expect(new Set(plan.applies.map((o) => o.metadata?.labels?.['kubeception.io/node']))).toEqual(new Set(['demo-master-0']));
    // the master's Deployment is updated but its replacement is not Ready yet: nothing else moves
    const updated = new Map(world.objects);
    for (const o of plan.applies)
      updated.set(
        `${o.kind}/${o.metadata?.name}`,
        cachedForm({
          ...o,
          status: { observedGeneration: 2, replicas: 1, updatedReplicas: 1, readyReplicas: 0 },
          metadata: { ...o.metadata, generation: 2 },
        } as Persisted<KubeObject>),
      );
    const during = planCluster(next, { ...world, objects: updated }, renderCluster(next, sampleInputs)._unsafeUnwrap(), sources);
    expect(during.replacing).toBeUndefined();
    expect(during.applies).toEqual([]);
    expect(during.waiting[0]).toMatch(/2 VMs to replace, one at a time: waiting for demo-master-0/);
  });

  it('removes the highest index first and keeps its boot config until the VM is gone', () => {
    const big = sampleCluster();
    const small = withSpec((spec) => ((spec.workers as { replicas: number }[])[0]!.replicas = 0));
    const plan = planCluster(small, converged(big), renderCluster(small, sampleInputs)._unsafeUnwrap(), sources);
    expect(plan.removing?.node).toBe('demo-default-1');
    expect(plan.removing?.role).toBe(NodeRole.Worker);
    expect(plan.deletes.map((o) => `${o.kind}/${o.metadata?.name}`)).not.toContain('ConfigMap/demo-default-1-boot');
    expect(plan.waiting).toContain('2 VMs to remove (demo-default-1, demo-default-0)');
  });
});
