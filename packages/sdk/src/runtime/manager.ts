/**
 * The manager runs controllers on shared informers, under one leader election, with one
 * HTTP endpoint and one logger, and shuts them down cleanly. At `info` it logs what
 * controller-runtime's manager does: where it serves, the Lease it campaigns for and when it
 * leads, each controller's workers starting, and its stop.
 */
import { setMaxListeners } from 'node:events';
import type { KubeConfig } from '@kubernetes/client-node';
import { pino, type Logger } from 'pino';
import { createKubeClient, type KubeClient } from '../kube/client.js';
import type { KubeObject, ResourceDescriptor } from '../resource.js';
import type { Controller } from './controller.js';
import { createEventRecorder, type EventRecorder } from './events.js';
import { startHttpEndpoint, type HttpEndpoint } from './http-endpoint.js';
import { InformerCache } from './informer.js';
import { runLeaderElection, type LeaderElectionOptions } from './leader-election.js';
import { RuntimeMetrics } from './metrics.js';
import type { WatcherState } from './watcher.js';

/** Options of {@link createManager}. */
export interface ManagerOptions {
  /** The controllers to run (while leading, with leader election). */
  readonly controllers: readonly Controller[];
  /** Its requests are counted in `rest_client_*` while the manager runs. @default a client from `kubeConfig`, else from the default kubeconfig */
  readonly kube?: KubeClient;
  /** Kubeconfig for the client, when `kube` is not given. @default the default kubeconfig */
  readonly kubeConfig?: KubeConfig;
  /** Component name in events and logs. @default 'kubeception' */
  readonly name?: string;
  /** Lease-based leader election; `false` runs controllers at once. @default false */
  readonly leaderElection?: false | LeaderElectionOptions;
  /**
   * `/metrics`, `/livez`, `/healthz`, `/readyz` on this port (0: any free port); with `probes`, the
   * probes on their own port (`false`: none) and `/metrics` alone on `port` (`false`: none). @default none
   */
  readonly http?: { readonly port: number | false; readonly host?: string; readonly probes?: false | { readonly port: number; readonly host?: string } };
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
  const parts = assemble(options);
  const { kube, metrics, informers, lifetime, state } = parts;
  return {
    metrics,
    kube,
    start(signal = new AbortController().signal) {
      state.finished = runManager(parts, signal);
      return state.finished;
    },
    async stop() {
      lifetime.abort();
      await state.finished;
    },
    leading: () => state.leading,
    ready: () => informers.allSynced(),
    url: () => state.endpoint?.url,
  };
}

/** What a manager is made of, and where it is. */
interface ManagerParts {
  readonly options: ManagerOptions;
  readonly kube: KubeClient;
  readonly metrics: RuntimeMetrics;
  readonly log: Logger;
  /** Aborts when the manager stops: every informer and controller runs under it. */
  readonly lifetime: AbortController;
  readonly informers: InformerCache;
  readonly events: EventRecorder;
  readonly state: { leading: boolean; running: boolean; endpoint: HttpEndpoint | undefined; finished: Promise<void> };
}

/** Builds the client, metrics, logger, shared informers and event recorder of a manager. */
function assemble(options: ManagerOptions): ManagerParts {
  const kube = options.kube ?? createKubeClient(options.kubeConfig ? { kubeConfig: options.kubeConfig } : {});
  const metrics = options.metrics ?? new RuntimeMetrics();
  const log = options.logger ?? pino({ level: 'warn' });
  const name = options.name ?? 'kubeception';
  const lifetime = new AbortController();
  setMaxListeners(0, lifetime.signal); // every informer and worker listens to it (and removes its listener)
  const informers = new InformerCache(kube, lifetime.signal, (descriptor, state) => reportWatcherState(metrics, log, descriptor, state));
  const events = createEventRecorder(kube, { component: name, onError: (error) => log.warn({ err: error }, 'event not recorded') });
  return {
    options,
    kube,
    metrics,
    log,
    lifetime,
    informers,
    events,
    state: { leading: false, running: false, endpoint: undefined, finished: Promise.resolve() },
  };
}

/** A watcher's state in the metrics, and in the log when it backs off. */
function reportWatcherState(metrics: RuntimeMetrics, log: Logger, descriptor: ResourceDescriptor<KubeObject, KubeObject>, state: WatcherState): void {
  const resource = `${descriptor.plural}.${descriptor.group || 'core'}`;
  metrics.watcherSynced.set({ resource }, state.synced ? 1 : 0);
  metrics.watcherFailures.set({ resource }, state.failures);
  if (state.phase === 'backing-off') log.warn({ resource, err: state.lastError?.message, failures: state.failures }, 'watcher backing off');
}

/** Runs the manager until `signal`, `stop()` or a process signal stops it. */
async function runManager(parts: ManagerParts, signal: AbortSignal): Promise<void> {
  const { options, lifetime, state } = parts;
  state.running = true;
  const onSignal = () => lifetime.abort();
  if (options.handleSignals) {
    process.once('SIGTERM', onSignal);
    process.once('SIGINT', onSignal);
  }
  signal.addEventListener('abort', onSignal, { once: true });
  const unobserve = parts.kube.observeRequests?.(parts.metrics.restClient.observe);
  try {
    if (options.http) {
      state.endpoint = await startEndpoint(parts, options.http); // an address in use rejects start(), cleaned up
      const { url, probesUrl } = state.endpoint;
      parts.log.info({ metricsUrl: options.http.port === false ? undefined : url, probesUrl }, 'serving metrics and probes');
    }
    await lead(parts);
  } finally {
    unobserve?.();
    state.leading = false;
    state.running = false;
    process.off('SIGTERM', onSignal);
    process.off('SIGINT', onSignal);
    await state.endpoint?.close();
    parts.log.info('stopped');
  }
}

/** `/metrics`, `/livez` and `/healthz` (running: neither leadership nor caches) and `/readyz` (every informer in use synced). */
function startEndpoint({ metrics, informers, state }: ManagerParts, http: NonNullable<ManagerOptions['http']>): Promise<HttpEndpoint> {
  return startHttpEndpoint({
    ...http,
    host: http.host ?? '127.0.0.1',
    registry: metrics.registry,
    healthy: () => state.running,
    ready: () => {
      const pending = informers.all().filter((i) => !i.state().synced);
      return { ready: pending.length === 0, detail: `waiting for caches: ${pending.map((i) => i.descriptor.plural).join(', ')}` };
    },
  });
}

/** Runs the controllers while leading (at once, without leader election) until the manager stops. */
async function lead(parts: ManagerParts): Promise<void> {
  const { options, kube, metrics, lifetime, state } = parts;
  const election = options.leaderElection;
  if (!election) {
    state.leading = true;
    return runControllers(parts, lifetime.signal);
  }
  metrics.leader.set({ name: election.name }, 0);
  const lease = `${election.namespace}/${election.name}`;
  parts.log.info({ lease }, 'attempting to acquire leader lease');
  const onChange = (now: boolean) => {
    state.leading = now;
    metrics.leader.set({ name: election.name }, now ? 1 : 0);
    parts.log.info({ lease }, now ? 'acquired leader lease' : 'stopped leading');
    election.onChange?.(now);
  };
  await runLeaderElection(kube, { ...election, onChange }, lifetime.signal, (signal) => runControllers(parts, signal));
}

/** Runs every controller until `signal` aborts. */
async function runControllers({ options, kube, informers, metrics, log, events }: ManagerParts, signal: AbortSignal): Promise<void> {
  const env = { kube, informers, metrics, log, events, signal, shutdownTimeoutMs: options.shutdownTimeoutMs ?? 30_000 };
  await Promise.all(options.controllers.map((c) => c.run(env)));
}
