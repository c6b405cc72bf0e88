/** `startSimulatedHost`: the fake API server plus simulated nodes, scheduler, kubelet and controllers. */
import type { KubeConfig } from '@kubernetes/client-node';
import { realClock, type Clock } from './clock.js';
import { PodsByNode, startInformers, type SimContext } from './context.js';
import { startDaemonSets } from './daemonset.js';
import { startDeployments } from './deployment.js';
import { startEndpoints } from './endpoints.js';
import { startJobs } from './job.js';
import type { KubeletHooks } from './kubelet-hooks.js';
import { startKubelet, type KubeletOptions } from './kubelet.js';
import type { Loop } from './loop.js';
import { addAll, nodeControls, type NodeControls } from './node-controls.js';
import { startNodeLifecycle, type NodeLifecycleOptions } from './node-lifecycle.js';
import type { SimulatedNodeSpec } from './node-object.js';
import { startReplicaSets } from './replicaset.js';
import { startScheduler, type SchedulerOptions } from './scheduler.js';
import { startFakeKube, type FakeKube, type FakeKubeOptions } from '../fake-kube/server.js';

/** Which workload controllers run; each is on unless set to `false`. */
export interface ControllerSwitches {
  /** @default true */
  readonly deployments?: boolean;
  /** @default true */
  readonly replicaSets?: boolean;
  /** @default true */
  readonly daemonSets?: boolean;
  /** @default true */
  readonly jobs?: boolean;
  /** @default true */
  readonly endpoints?: boolean;
  /** Eviction from NotReady nodes and pod GC for removed nodes; `false` turns it off. @default {} */
  readonly nodeLifecycle?: false | NodeLifecycleOptions;
}

/** Options of {@link startSimulatedHost}; the fake API server's options apply when it starts one. */
export interface SimulatedHostOptions extends FakeKubeOptions {
  /** Run on this fake API server instead of starting one (it is not stopped by `stop()`). */
  readonly kube?: FakeKube;
  /** Nodes at start: a count of default nodes, or one spec per node. @default 3 */
  readonly nodes?: number | readonly SimulatedNodeSpec[];
  /** The kubelet of every simulated node; `false` leaves bound pods Pending. @default {} */
  readonly kubelet?: false | KubeletOptions;
  /** `false` leaves new pods unscheduled. @default {} */
  readonly scheduler?: false | SchedulerOptions;
  /** `false` runs none of the workload controllers. @default {} (all of them) */
  readonly controllers?: false | ControllerSwitches;
  /** Time source of every simulated delay and timeout. @default the wall clock */
  readonly clock?: Clock;
  /** Told about unexpected failures of simulated components (they are retried). @default kept in `failures()` */
  readonly onError?: (component: string, key: string, error: unknown) => void;
}

/** A failure a simulated component met (and retried). */
export interface SimulationFailure {
  /** The component that failed, e.g. `deployment`, `kubelet`, `node-lifecycle`. */
  readonly component: string;
  /** The object it was working on (`namespace/name`). */
  readonly key: string;
  /** What it met. */
  readonly error: unknown;
}

/** A running simulated host cluster. */
export interface SimulatedHost {
  /** The fake API server everything talks to. */
  readonly kube: FakeKube;
  /** `kube.kubeConfig`. */
  readonly kubeConfig: KubeConfig;
  /** `kube.kubeconfigYaml`, for `kubectl --kubeconfig`. */
  readonly kubeconfigYaml: string;
  /** The clock every component runs on. */
  readonly clock: Clock;
  /** Add, remove, cordon nodes, make them NotReady. */
  readonly nodes: NodeControls;
  /** Make pods fail, crash-loop, turn unready, recover. */
  readonly kubelet: KubeletHooks;
  /**
   * Resolves once every component has seen every write so far and has nothing left to do now
   * (timers waiting for the clock do not count); rejects after `timeoutMs` of wall time. Needs
   * watch bookmarks, so it is quick on a fake started here (bookmarks every 50 ms) and may take
   * up to the bookmark interval on one passed in.
   */
  settle(options?: { readonly timeoutMs?: number }): Promise<void>;
  /** The most recent 100 failures of simulated components. */
  failures(): readonly SimulationFailure[];
  /** Stops the components, then the fake API server if it was started here. */
  stop(): Promise<void>;
}

const on = (switches: ControllerSwitches | false | undefined, name: keyof Omit<ControllerSwitches, 'nodeLifecycle'>) =>
  switches !== false && switches?.[name] !== false;

/**
 * Starts a simulated host cluster: the fake API server (or `options.kube`), Nodes, and the
 * scheduler, kubelet and controllers that make pods happen, all writing through the API.
 *
 * @example
 * ```ts
 * const clock = createSimulatedClock();
 * const host = await startSimulatedHost({ nodes: 3, clock });
 * const apps = host.kubeConfig.makeApiClient(AppsV1Api);
 * await apps.createNamespacedDeployment({ namespace: 'default', body: deployment });
 * await host.settle();
 * await host.stop();
 * ```
 */
export async function startSimulatedHost(options: SimulatedHostOptions = {}): Promise<SimulatedHost> {
  const kube = options.kube ?? (await startFakeKube({ bookmarkIntervalMs: 50, gracefulPodDeletion: true, ...options }));
  const clock = options.clock ?? realClock();
  const lifetime = new AbortController();
  const failures: SimulationFailure[] = [];
  const onError =
    options.onError ??
    ((component: string, key: string, error: unknown) => {
      failures.push({ component, key, error });
      if (failures.length > 100) failures.shift();
    });
  const client = kube.localClient({ fieldManager: 'kubeception-simulated-host' });
  const informers = startInformers(client, lifetime.signal);
  const ctx: SimContext = { kube: client, clock, informers, podsByNode: new PodsByNode(informers.pods), onError };
  const components: { loop: Loop; idle?: () => boolean }[] = [];
  const noHooks: KubeletHooks = { fail: () => {}, complete: () => {}, crashLoop: () => {}, unready: () => {}, recover: () => {} };
  let hooks = noHooks;
  if (options.scheduler !== false) components.push(startScheduler(ctx, options.scheduler ?? {}));
  if (options.kubelet !== false) {
    const kubelet = startKubelet(ctx, options.kubelet ?? {});
    hooks = kubelet.hooks;
    components.push(kubelet);
  }
  const c = options.controllers;
  let nodeRemoved: (name: string) => void = () => {};
  if (c !== false && c?.nodeLifecycle !== false) {
    const lifecycle = startNodeLifecycle(ctx, c?.nodeLifecycle ?? {});
    nodeRemoved = lifecycle.nodeRemoved;
    components.push(lifecycle);
  }
  if (on(c, 'deployments')) components.push(startDeployments(ctx));
  if (on(c, 'replicaSets')) components.push(startReplicaSets(ctx));
  if (on(c, 'daemonSets')) components.push(startDaemonSets(ctx));
  if (on(c, 'jobs')) components.push(startJobs(ctx));
  if (on(c, 'endpoints')) components.push(startEndpoints(ctx));
  const stopAll = async () => {
    lifetime.abort();
    await Promise.all(components.map((x) => x.loop.stop()));
    if (!options.kube) await kube.stop();
  };

  const nodes = nodeControls(client, clock, (name) => nodeRemoved(name));
  const specs = typeof options.nodes === 'number' || options.nodes === undefined ? Array.from({ length: options.nodes ?? 3 }, () => ({})) : options.nodes;
  const failed = await addAll(nodes, specs).match(
    () => undefined,
    (error) => error.message,
  );
  if (failed !== undefined) {
    await stopAll();
    throw new Error(`startSimulatedHost: could not create nodes: ${failed}`);
  }
  await Promise.all(informers.all().map((i) => i.synced()));
  for (const x of components) x.loop.start();

  const idle = () => components.every((x) => (x.idle ?? (() => x.loop.idle()))());
  return {
    kube,
    kubeConfig: kube.kubeConfig,
    kubeconfigYaml: kube.kubeconfigYaml,
    clock,
    nodes,
    kubelet: hooks,
    async settle({ timeoutMs = 10_000 } = {}) {
      const deadline = Date.now() + timeoutMs;
      let stable = 0;
      let last = '';
      while (stable < 3) {
        const target = kube.resourceVersion();
        const caughtUp = informers.all().every((i) => Number(i.state().resourceVersion) >= Number(target));
        stable = caughtUp && idle() && target === last ? stable + 1 : 0;
        last = target;
        if (Date.now() > deadline) throw new Error(`simulated host did not settle in ${timeoutMs} ms`);
        await new Promise((resolve) => setTimeout(resolve, 5));
      }
    },
    failures: () => [...failures],
    stop: stopAll,
  };
}
