/**
 * The manager runs controllers on shared informers, under one leader election, with one
 * HTTP endpoint and one logger, and shuts them down cleanly.
 */
import { setMaxListeners } from 'node:events';
import type { KubeConfig } from '@kubernetes/client-node';
import { pino, type Logger } from 'pino';
import { createKubeClient, type KubeClient } from '../kube/client.js';
import type { KubeObject, ResourceDescriptor } from '../resource.js';
import type { Controller } from './controller.js';
import { createEventRecorder } from './events.js';
import { startHttpEndpoint, type HttpEndpoint } from './http-endpoint.js';
import { InformerCache } from './informer.js';
import { runLeaderElection, type LeaderElectionOptions } from './leader-election.js';
import { RuntimeMetrics } from './metrics.js';
import type { WatcherState } from './watcher.js';

/** Options of {@link createManager}. */
export interface ManagerOptions {
  /** The controllers to run (while leading, with leader election). */
  readonly controllers: readonly Controller[];
  /** @default a client from `kubeConfig`, else from the default kubeconfig */
  readonly kube?: KubeClient;
  /** Kubeconfig for the client, when `kube` is not given. @default the default kubeconfig */
  readonly kubeConfig?: KubeConfig;
  /** Component name in events and logs. @default 'kubeception' */
  readonly name?: string;
  /** Lease-based leader election; `false` runs controllers at once. @default false */
  readonly leaderElection?: false | LeaderElectionOptions;
  /** `/metrics`, `/healthz`, `/readyz` on this port (0: any free port). @default none */
  readonly http?: { readonly port: number; readonly host?: string };
  /** @default pino at level `warn` */
  readonly logger?: Logger;
  /** @default a new registry */
  readonly metrics?: RuntimeMetrics;
  /** Time allowed for reconciles in flight on shutdown. @default 30_000 */
  readonly shutdownTimeoutMs?: number;
  /** Stop on SIGTERM and SIGINT. @default false */
  readonly handleSignals?: boolean;
}

/** A manager. */
export interface Manager {
  /** The manager's metric families. */
  readonly metrics: RuntimeMetrics;
  /** The client the controllers use. */
  readonly kube: KubeClient;
  /** Starts everything; resolves once stopped (by `signal`, `stop()` or a signal). */
  start(signal?: AbortSignal): Promise<void>;
  /** Stops the manager; resolves when it has stopped. */
  stop(): Promise<void>;
  /** Whether this manager currently runs the controllers. */
  leading(): boolean;
  /** Whether every informer in use has synced. */
  ready(): boolean;
  /** URL of the HTTP endpoint, once started. */
  url(): string | undefined;
}

/**
 * Creates a manager.
 *
 * @example
 * ```ts
 * const manager = createManager({ controllers: [certController], leaderElection: { name: 'cert-operator', namespace: 'kubeception' }, http: { port: 8080 }, handleSignals: true });
 * await manager.start();
 * ```
 */
export function createManager(options: ManagerOptions): Manager {
  const kube = options.kube ?? createKubeClient(options.kubeConfig ? { kubeConfig: options.kubeConfig } : {});
  const metrics = options.metrics ?? new RuntimeMetrics();
  const log = options.logger ?? pino({ level: 'warn' });
  const name = options.name ?? 'kubeception';
  const lifetime = new AbortController();
  setMaxListeners(0, lifetime.signal); // every informer and worker listens to it (and removes its listener)
  let leading = false;
  let running = false;
  let endpoint: HttpEndpoint | undefined;
  let finished: Promise<void> = Promise.resolve();
  const onWatcherState = (descriptor: ResourceDescriptor<KubeObject, KubeObject>, state: WatcherState) => {
    const resource = `${descriptor.plural}.${descriptor.group || 'core'}`;
    metrics.watcherSynced.set({ resource }, state.synced ? 1 : 0);
    metrics.watcherFailures.set({ resource }, state.failures);
    if (state.phase === 'backing-off') log.warn({ resource, err: state.lastError?.message, failures: state.failures }, 'watcher backing off');
  };
  const informers = new InformerCache(kube, lifetime.signal, onWatcherState);
  const events = createEventRecorder(kube, { component: name, onError: (error) => log.warn({ err: error }, 'event not recorded') });

  const runControllers = async (signal: AbortSignal) => {
    const env = { kube, informers, metrics, log, events, signal, shutdownTimeoutMs: options.shutdownTimeoutMs ?? 30_000 };
    await Promise.all(options.controllers.map((c) => c.run(env)));
  };

  const run = async (signal: AbortSignal) => {
    running = true;
    const onSignal = () => lifetime.abort();
    if (options.handleSignals) {
      process.once('SIGTERM', onSignal);
      process.once('SIGINT', onSignal);
    }
    signal.addEventListener('abort', onSignal, { once: true });
    if (options.http) {
      endpoint = await startHttpEndpoint({
        port: options.http.port,
        host: options.http.host ?? '127.0.0.1',
        registry: metrics.registry,
        healthy: () => running,
        ready: () => {
          const pending = informers.all().filter((i) => !i.state().synced);
          return { ready: pending.length === 0, detail: `waiting for caches: ${pending.map((i) => i.descriptor.plural).join(', ')}` };
        },
      });
    }
    try {
      if (options.leaderElection) {
        const election = options.leaderElection;
        metrics.leader.set({ name: election.name }, 0);
        await runLeaderElection(kube, { ...election, onChange: (now) => ((leading = now), metrics.leader.set({ name: election.name }, now ? 1 : 0), election.onChange?.(now)) }, lifetime.signal, runControllers);
      } else {
        leading = true;
        await runControllers(lifetime.signal);
      }
    } finally {
      leading = false;
      running = false;
      process.off('SIGTERM', onSignal);
      process.off('SIGINT', onSignal);
      await endpoint?.close();
    }
  };

  return {
    metrics,
    kube,
    start(signal = new AbortController().signal) {
      finished = run(signal);
      return finished;
    },
    async stop() {
      lifetime.abort();
      await finished;
    },
    leading: () => leading,
    ready: () => informers.allSynced(),
    url: () => endpoint?.url,
  };
}
