/**
 * The Endpoints controller (internal): for each Service with a selector, an Endpoints object of
 * the same name listing matching pods that have an IP — Ready ones in `addresses`, others in
 * `notReadyAddresses` (all in `addresses` with `publishNotReadyAddresses`), terminating pods left
 * out — with the Service's ports (named target ports resolved per pod).
 */
import type { Persisted } from '@kubeception/sdk';
import { EndpointsResource, type Endpoints, type Service } from '@kubeception/sdk/kube';
import { jsonEqual } from '@kubeception/sdk/runtime';
import { timestamp } from './clock.js';
import { outcomeOf, type SimContext } from './context.js';
import { Loop, type Outcome } from './loop.js';
import { isFinished, isReady, mapMatches, type StoredPod } from './objects.js';
import { canonical } from './pod-status.js';

type StoredService = Persisted<Service>;
type Subset = NonNullable<Endpoints['subsets']>[number];
type Address = NonNullable<Subset['addresses']>[number];
type Port = NonNullable<Subset['ports']>[number];

function portsFor(svc: StoredService, pod: StoredPod): Port[] {
  return (svc.spec?.ports ?? []).map((p) => {
    const target = p.targetPort ?? p.port;
    const named = typeof target === 'string' ? pod.spec?.containers.flatMap((c) => c.ports ?? []).find((cp) => cp.name === target)?.containerPort : undefined;
    return {
      ...(p.name ? { name: p.name } : {}),
      port: typeof target === 'number' ? target : (named ?? Number(target)),
      protocol: p.protocol ?? 'TCP',
      ...(p.appProtocol ? { appProtocol: p.appProtocol } : {}),
    };
  });
}

/** The subsets of a Service's Endpoints, grouped by port set, sorted for stable output. */
export function subsetsFor(svc: StoredService, pods: readonly StoredPod[]): Subset[] {
  const groups = new Map<string, { addresses: Address[]; notReadyAddresses: Address[]; ports: Port[] }>();
  for (const pod of [...pods].sort((a, b) => (a.status?.podIP ?? '').localeCompare(b.status?.podIP ?? ''))) {
    if (!pod.status?.podIP || pod.metadata.deletionTimestamp !== undefined || isFinished(pod)) continue;
    const ports = portsFor(svc, pod);
    const id = canonical(ports);
    let group = groups.get(id);
    if (group === undefined) groups.set(id, (group = { addresses: [], notReadyAddresses: [], ports }));
    const address: Address = {
      ip: pod.status.podIP,
      ...(pod.spec?.nodeName ? { nodeName: pod.spec.nodeName } : {}),
      targetRef: { kind: 'Pod', name: pod.metadata.name, namespace: pod.metadata.namespace, uid: pod.metadata.uid },
    };
    (isReady(pod) || svc.spec?.publishNotReadyAddresses ? group.addresses : group.notReadyAddresses).push(address);
  }
  return [...groups.values()].map((g) => ({
    ...(g.addresses.length ? { addresses: g.addresses } : {}),
    ...(g.notReadyAddresses.length ? { notReadyAddresses: g.notReadyAddresses } : {}),
    ...(g.ports.length ? { ports: g.ports } : {}),
  }));
}

/** Starts the Endpoints controller. */
export function startEndpoints(ctx: SimContext): { loop: Loop } {
  const { services, endpoints, pods } = ctx.informers;
  const client = ctx.kube.resource(EndpointsResource);
  const keyOf = (o: { metadata: { namespace?: string; name: string } }) => `${o.metadata.namespace}/${o.metadata.name}`;

  services.subscribe((e) => {
    if (e.type !== 'Synced') loop.add(keyOf(e.object));
  });
  endpoints.subscribe((e) => {
    if (e.type !== 'Synced') loop.add(keyOf(e.object));
  });
  pods.subscribe((e) => {
    if (e.type === 'Synced') return;
    const pod = e.object as StoredPod;
    for (const svc of services.store.byNamespace(pod.metadata.namespace) as StoredService[]) {
      if (svc.spec?.selector && mapMatches(svc.spec.selector, pod.metadata.labels)) loop.add(keyOf(svc));
    }
  });

  const reconcile = async (key: string): Promise<Outcome> => {
    const svc = services.store.get(key) as StoredService | undefined;
    const current = endpoints.store.get(key);
    if (!svc || svc.metadata.deletionTimestamp !== undefined) {
      const managed = current?.metadata.labels?.['endpoints.kubeception.io/simulated'] === 'true';
      return managed && current
        ? client.delete(current.metadata.name, { namespace: current.metadata.namespace }).match(...outcomeOf(ctx, 'endpoints', key))
        : 'done';
    }
    if (!svc.spec?.selector || Object.keys(svc.spec.selector).length === 0) return 'done';
    const selected = (pods.store.byNamespace(svc.metadata.namespace) as StoredPod[]).filter((p) => mapMatches(svc.spec?.selector, p.metadata.labels));
    const subsets = subsetsFor(svc, selected);
    const labels = { ...svc.metadata.labels, 'endpoints.kubeception.io/simulated': 'true' };
    if (current && jsonEqual(current.subsets ?? [], subsets) && jsonEqual(current.metadata.labels ?? {}, labels)) return 'done';
    const body: Endpoints = {
      apiVersion: 'v1',
      kind: 'Endpoints',
      metadata: {
        name: svc.metadata.name,
        namespace: svc.metadata.namespace,
        labels,
        annotations: { 'endpoints.kubernetes.io/last-change-trigger-time': timestamp(ctx.clock) },
      },
      subsets,
    };
    if (!current) return client.create(body).match(...outcomeOf(ctx, 'endpoints', key));
    return client
      .replace({ ...body, metadata: { ...body.metadata, resourceVersion: current.metadata.resourceVersion } })
      .match(...outcomeOf(ctx, 'endpoints', key));
  };

  const loop = new Loop({ name: 'endpoints', clock: ctx.clock, reconcile, concurrency: 2, onError: ctx.onError });
  return { loop };
}
