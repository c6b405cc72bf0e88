/**
 * Prometheus metrics with controller-runtime's names and labels, so existing dashboards and
 * alerts work unchanged: the reconcile and work queue families, leader election, client-go's
 * REST client families (`rest-client-metrics.ts`) and the process and Node.js runtime families
 * (`process-metrics.ts`); plus per-step metrics of ordered steps and the watchers' state.
 */
import { Registry, type Counter, type Gauge, type Histogram } from 'prom-client';
import { isTerminal } from './action.js';
import { counter, gauge, histogram } from './metric-families.js';
import { registerProcessMetrics } from './process-metrics.js';
import { RestClientMetrics } from './rest-client-metrics.js';
import type { UnfinishedWork, WorkQueueObserver } from './workqueue.js';
import { WorkQueueMetrics } from './workqueue-metrics.js';

/** Reconcile outcome label, as controller-runtime reports it. */
export type ReconcileResult = 'success' | 'error' | 'requeue' | 'requeue_after';

/** 5 ms to 60 s (controller-runtime's reconcile time buckets). */
const BUCKETS = [
  0.005, 0.01, 0.025, 0.05, 0.1, 0.15, 0.2, 0.25, 0.3, 0.35, 0.4, 0.45, 0.5, 0.6, 0.7, 0.8, 0.9, 1, 1.25, 1.5, 1.75, 2, 2.5, 3, 3.5, 4, 4.5, 5, 6, 7, 8, 9, 10,
  15, 20, 25, 30, 40, 50, 60,
];

/** The metric families of a manager (one registry per manager). */
export class RuntimeMetrics {
  /** The registry every family is registered with (serve it at `/metrics`). */
  readonly registry: Registry;
  /** `controller_runtime_reconcile_total`: reconciles by controller and result. */
  readonly reconcileTotal: Counter<'controller' | 'result'>;
  /** `controller_runtime_reconcile_errors_total`: failed reconciles by controller. */
  readonly reconcileErrors: Counter<'controller'>;
  /** `controller_runtime_terminal_reconcile_errors_total`: failed reconciles whose error is terminal (`terminal: true`, not retried by default). */
  readonly terminalReconcileErrors: Counter<'controller'>;
  /** `controller_runtime_reconcile_panics_total`: reconciles that threw instead of returning an error (`ReconcileThrew`). */
  readonly reconcilePanics: Counter<'controller'>;
  /** `controller_runtime_reconcile_time_seconds`: reconcile duration by controller. */
  readonly reconcileTime: Histogram<'controller'>;
  /** `controller_runtime_max_concurrent_reconciles`: workers per controller. */
  readonly maxConcurrent: Gauge<'controller'>;
  /** `controller_runtime_active_workers`: workers busy per controller. */
  readonly activeWorkers: Gauge<'controller'>;
  /** The `workqueue_*` families. */
  readonly workQueue: WorkQueueMetrics;
  /** The `rest_client_*` families, fed by the manager's kube client. */
  readonly restClient: RestClientMetrics;
  /** `leader_election_master_status`: 1 while this process holds the lease, 0 otherwise. */
  readonly leader: Gauge<'name'>;
  /** `kubeception_step_total`: ordered steps run, by controller, step, phase and result. */
  readonly stepTotal: Counter<'controller' | 'step' | 'phase' | 'result'>;
  /** `kubeception_step_time_seconds`: step duration by controller, step and phase. */
  readonly stepTime: Histogram<'controller' | 'step' | 'phase'>;
  /** `kubeception_watcher_synced`: 1 once a watcher has listed its kind. */
  readonly watcherSynced: Gauge<'resource'>;
  /** `kubeception_watcher_failures`: consecutive failures of a watcher. */
  readonly watcherFailures: Gauge<'resource'>;

  /** Registers every family with `registry` (a new one by default), the process and Node.js runtime families included. */
  constructor(registry: Registry = new Registry()) {
    this.registry = registry;
    const controller = ['controller'] as const;
    this.reconcileTotal = counter(registry, 'controller_runtime_reconcile_total', 'Total number of reconciliations per controller', ['controller', 'result']);
    this.reconcileErrors = counter(registry, 'controller_runtime_reconcile_errors_total', 'Total number of reconciliation errors per controller', controller);
    const terminalHelp = 'Total number of terminal reconciliation errors per controller';
    this.terminalReconcileErrors = counter(registry, 'controller_runtime_terminal_reconcile_errors_total', terminalHelp, controller);
    this.reconcilePanics = counter(registry, 'controller_runtime_reconcile_panics_total', 'Total number of reconciliation panics per controller', controller);
    const timeHelp = 'Length of time per reconciliation per controller';
    this.reconcileTime = histogram(registry, 'controller_runtime_reconcile_time_seconds', timeHelp, controller, BUCKETS);
    const workersHelp = 'Maximum number of concurrent reconciles per controller';
    this.maxConcurrent = gauge(registry, 'controller_runtime_max_concurrent_reconciles', workersHelp, controller);
    this.activeWorkers = gauge(registry, 'controller_runtime_active_workers', 'Number of currently used workers per controller', controller);
    this.workQueue = new WorkQueueMetrics(registry);
    this.restClient = new RestClientMetrics(registry);
    const leaderHelp = 'Gauge of if the reporting system is master of the relevant lease, 0 indicates backup, 1 indicates master';
    this.leader = gauge(registry, 'leader_election_master_status', leaderHelp, ['name']);
    this.stepTotal = counter(registry, 'kubeception_step_total', 'Ordered steps run, by outcome', ['controller', 'step', 'phase', 'result']);
    this.stepTime = histogram(registry, 'kubeception_step_time_seconds', 'Length of time per step run', ['controller', 'step', 'phase'], BUCKETS);
    this.watcherSynced = gauge(registry, 'kubeception_watcher_synced', '1 once a watcher has listed its kind', ['resource']);
    this.watcherFailures = gauge(registry, 'kubeception_watcher_failures', 'Consecutive failures of a watcher', ['resource']);
    registerProcessMetrics(registry);
  }

  /** `workqueue_depth` (see {@link WorkQueueMetrics}). */
  get queueDepth(): Gauge<'name' | 'controller'> {
    return this.workQueue.depth;
  }

  /** `workqueue_adds_total` (see {@link WorkQueueMetrics}). */
  get queueAdds(): Counter<'name' | 'controller'> {
    return this.workQueue.adds;
  }

  /** `workqueue_retries_total` (see {@link WorkQueueMetrics}). */
  get queueRetries(): Counter<'name' | 'controller'> {
    return this.workQueue.retries;
  }

  /** `workqueue_queue_duration_seconds` (see {@link WorkQueueMetrics}). */
  get queueDuration(): Histogram<'name' | 'controller'> {
    return this.workQueue.queueDuration;
  }

  /** `workqueue_work_duration_seconds` (see {@link WorkQueueMetrics}). */
  get workDuration(): Histogram<'name' | 'controller'> {
    return this.workQueue.workDuration;
  }

  /**
   * Sets up the series of a controller that starts with `concurrency` workers, as controller-runtime
   * does: its worker gauges, and its reconcile counters at 0 (so a rate or an alert sees them before
   * the first failure); the unfinished work of its queue is read at each scrape.
   */
  controllerStarted(name: string, concurrency: number, work: () => UnfinishedWork): void {
    const labels = { controller: name };
    this.maxConcurrent.set(labels, concurrency);
    this.activeWorkers.set(labels, 0);
    for (const result of ['success', 'error', 'requeue', 'requeue_after'] as const) this.reconcileTotal.inc({ ...labels, result }, 0);
    for (const family of [this.reconcileErrors, this.terminalReconcileErrors, this.reconcilePanics]) family.inc(labels, 0);
    this.workQueue.track(name, work);
  }

  /** Counts a failed reconcile of `controller`: an error, and a terminal one or a panic (a throw) when it is one. */
  reconcileFailed(controller: string, error: unknown): void {
    const labels = { controller };
    this.reconcileErrors.inc(labels);
    this.reconcileTotal.inc({ ...labels, result: 'error' });
    if (isTerminal(error)) this.terminalReconcileErrors.inc(labels);
    if (typeof error === 'object' && error !== null && (error as { kind?: unknown }).kind === 'ReconcileThrew') this.reconcilePanics.inc(labels);
  }

  /** A work queue observer feeding the workqueue_* families for `controller`. */
  queueObserver(controller: string): WorkQueueObserver {
    return this.workQueue.observer(controller);
  }
}
