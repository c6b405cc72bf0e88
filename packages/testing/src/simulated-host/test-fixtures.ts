/* eslint-disable @typescript-eslint/no-explicit-any -- test objects are plain wire JSON */
/** Objects and helpers shared by the simulated host's tests (internal, not exported). */
import { AppsV1Api, CoreV1Api, type V1Deployment, type V1Pod } from '@kubernetes/client-node';
import { createKubeClient, PodResource } from '@kubeception/sdk/kube';
import { expect } from 'vitest';
import type { SimulatedHost } from './host.js';

/** A Deployment of `replicas` pods labelled `app=<name>`. */
export function deployment(name: string, replicas: number, extra: { strategy?: any; affinity?: any; resources?: any; image?: string } = {}): V1Deployment {
  return {
    metadata: { name },
    spec: {
      replicas,
      selector: { matchLabels: { app: name } },
      ...(extra.strategy ? { strategy: extra.strategy } : {}),
      template: {
        metadata: { labels: { app: name } },
        spec: {
          ...(extra.affinity ? { affinity: extra.affinity } : {}),
          containers: [{ name: 'main', image: extra.image ?? 'registry.example/app:1', ...(extra.resources ? { resources: extra.resources } : {}) }],
        },
      },
    },
  };
}

/** Required anti-affinity: at most one `app=<name>` pod per node. */
export const onePerNode = (name: string) => ({
  podAntiAffinity: {
    requiredDuringSchedulingIgnoredDuringExecution: [{ labelSelector: { matchLabels: { app: name } }, topologyKey: 'kubernetes.io/hostname' }],
  },
});

/** Typed clients of a host. */
export function clients(host: SimulatedHost): { core: CoreV1Api; apps: AppsV1Api } {
  return { core: host.kubeConfig.makeApiClient(CoreV1Api), apps: host.kubeConfig.makeApiClient(AppsV1Api) };
}

/** The pods of `app=<name>` in `default`. */
export async function podsOf(host: SimulatedHost, name: string, namespace = 'default'): Promise<V1Pod[]> {
  return (await clients(host).core.listNamespacedPod({ namespace, labelSelector: `app=${name}` })).items;
}

/** Whether a pod is Running with Ready=True. */
export const isRunningReady = (p: V1Pod): boolean =>
  p.status?.phase === 'Running' && (p.status.conditions ?? []).some((c) => c.type === 'Ready' && c.status === 'True');

/** The nodes of the Running and Ready pods of `app=<name>` in `default`, sorted. */
export async function readyNodesOf(host: SimulatedHost, name: string): Promise<string[]> {
  return (await podsOf(host, name))
    .filter(isRunningReady)
    .map((p) => p.spec?.nodeName ?? '')
    .sort();
}
/** A pod's PodScheduled condition. */
export const scheduledCondition = (p: V1Pod) => p.status?.conditions?.find((c) => c.type === 'PodScheduled');

/** Lists the pods of `app=<name>`, then watches them and checks `invariant` after every event. */
export async function watchPods(
  host: SimulatedHost,
  name: string,
  invariant: (pods: ReadonlyMap<string, V1Pod>) => string | undefined,
): Promise<{ violations: string[]; events: () => number; stop: () => void }> {
  const client = createKubeClient({ kubeConfig: host.kubeConfig, qps: 0 }).resource(PodResource);
  const abort = new AbortController();
  const list = await client.list({ namespace: 'default', labelSelector: `app=${name}` }).match(
    (l) => l,
    (error) => expect.fail(error.message),
  );
  const pods = new Map<string, V1Pod>(list.items.map((p) => [p.metadata.name, p as unknown as V1Pod]));
  const violations: string[] = [];
  let events = 0;
  void (async () => {
    for await (const e of client.watch({ namespace: 'default', labelSelector: `app=${name}`, resourceVersion: list.resourceVersion, signal: abort.signal })) {
      if (e.type === 'BOOKMARK' || e.type === 'ERROR') continue;
      events++;
      if (e.type === 'DELETED') pods.delete(e.object.metadata.name);
      else pods.set(e.object.metadata.name, e.object as unknown as V1Pod);
      const problem = invariant(pods);
      if (problem) violations.push(`after ${e.type} ${e.object.metadata.name} (${describe(e.object as unknown as V1Pod)}): ${problem}`);
    }
  })();
  return { violations, events: () => events, stop: () => abort.abort() };
}

const describe = (p: V1Pod) =>
  `${p.status?.phase}${p.metadata?.deletionTimestamp ? ', terminating' : ''}${isRunningReady(p) ? ', ready' : ''} rv ${p.metadata?.resourceVersion}`;
