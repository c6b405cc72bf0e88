/** `startSimulatedHost`: the fake API server plus simulated nodes, scheduler, kubelet and controllers. */
import type { KubeConfig } from '@kubernetes/client-node';
import { realClock, type Clock } from './clock.js';
import { failureLog, type SimulationFailure } from './failure-log.js';
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
import { settleWhen } from './settle.js';
import { startFakeKube, type FakeKube, type FakeKubeOptions } from '../fake-kube/server.js';

export type { SimulationFailure } from './failure-log.js';

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
  const log = failureLog(options.onError);
  const client = kube.localClient({ fieldManager: 'kubeception-simulated-host' });
  const informers = startInformers(client, lifetime.signal);
  const ctx: SimContext = { kube: client, clock, informers, podsByNode: new PodsByNode(informers.pods), onError: log.onError };
  const running = startComponents(ctx, options);
  const stopAll = async () => {
    lifetime.abort();
    await Promise.all(running.components.map((x) => x.loop.stop()));
    if (!options.kube) await kube.stop();
  };
  const nodes = nodeControls(client, clock, (name) => running.nodeRemoved(name));
  const failed = await addAll(nodes, initialNodes(options.nodes)).match(
    () => undefined,
    (error) => error.message,
  );
  if (failed !== undefined) {
    await stopAll();
    throw new Error(`startSimulatedHost: could not create nodes: ${failed}`);
  }
  await Promise.all(informers.all().map((i) => i.synced()));
  for (const x of running.components) x.loop.start();
  const idle = () => running.components.every((x) => x.idle());
  const settle = ({ timeoutMs = 10_000 } = {}) =>
    settleWhen('simulated host', timeoutMs, () => {
      const target = kube.resourceVersion();
      const caughtUp = informers.all().every((i) => Number(i.state().resourceVersion) >= Number(target));
      return { quiet: caughtUp && idle(), signature: target };
    });
  return {
    kube,
    kubeConfig: kube.kubeConfig,
    kubeconfigYaml: kube.kubeconfigYaml,
    clock,
    nodes,
    kubelet: running.hooks,
    settle,
    failures: log.failures,
    stop: stopAll,
  };
}

/** A running component: its loop, and whether it has nothing to do. */
interface Component {
  readonly loop: Loop;
  readonly idle: () => boolean;
}

const NO_HOOKS: KubeletHooks = { fail: () => {}, complete: () => {}, crashLoop: () => {}, unready: () => {}, recover: () => {} };

/** Starts the components the options turn on (their loops start once the informers have synced). */
function startComponents(ctx: SimContext, options: SimulatedHostOptions) {
  const components: Component[] = [];
  const add = (component: { loop: Loop; idle?: () => boolean }) =>
    components.push({ loop: component.loop, idle: component.idle ?? (() => component.loop.idle()) });
  let hooks = NO_HOOKS;
  let nodeRemoved: (name: string) => void = () => {};
  if (options.scheduler !== false) add(startScheduler(ctx, options.scheduler ?? {}));
  if (options.kubelet !== false) {
    const kubelet = startKubelet(ctx, options.kubelet ?? {});
    hooks = kubelet.hooks;
    add(kubelet);
  }
  const c = options.controllers;
  if (c !== false && c?.nodeLifecycle !== false) {
    const lifecycle = startNodeLifecycle(ctx, c?.nodeLifecycle ?? {});
    nodeRemoved = lifecycle.nodeRemoved;
    add(lifecycle);
  }
  if (on(c, 'deployments')) add(startDeployments(ctx));
  if (on(c, 'replicaSets')) add(startReplicaSets(ctx));
  if (on(c, 'daemonSets')) add(startDaemonSets(ctx));
  if (on(c, 'jobs')) add(startJobs(ctx));
  if (on(c, 'endpoints')) add(startEndpoints(ctx));
  return { components, hooks, nodeRemoved };
}

/** The node specs to start with: `count` default nodes, or the specs given. */
const initialNodes = (nodes: SimulatedHostOptions['nodes']): readonly SimulatedNodeSpec[] =>
  typeof nodes === 'number' || nodes === undefined ? Array.from({ length: nodes ?? 3 }, () => ({})) : nodes;
