/**
 * Prometheus metrics with controller-runtime's names and labels, so existing dashboards and
 * alerts work unchanged, plus per-step metrics of ordered steps.
 */
import { Counter, Gauge, Histogram, Registry } from 'prom-client';
import type { WorkQueueObserver } from './workqueue.js';

/** Reconcile outcome label, as controller-runtime reports it. */
export type ReconcileResult = 'success' | 'error' | 'requeue' | 'requeue_after';

const BUCKETS = [
  0.005, 0.01, 0.025, 0.05, 0.1, 0.15, 0.2, 0.25, 0.3, 0.35, 0.4, 0.45, 0.5, 0.6, 0.7, 0.8, 0.9, 1, 1.25, 1.5, 1.75, 2, 2.5, 3, 3.5, 4, 4.5, 5, 6, 7, 8, 9, 10,
  15, 20, 25, 30, 40, 50, 60,
];
const QUEUE_BUCKETS = [1e-8, 1e-7, 1e-6, 1e-5, 1e-4, 1e-3, 0.01, 0.1, 1, 10, 100, 1000];

/** A counter family `name` with `labelNames`, registered with `registry`. */
function counter<L extends string>(registry: Registry, name: string, help: string, labelNames: readonly L[]): Counter<L> {
  return new Counter({ name, help, labelNames, registers: [registry] });
}

/** A gauge family `name` with `labelNames`, registered with `registry`. */
function gauge<L extends string>(registry: Registry, name: string, help: string, labelNames: readonly L[]): Gauge<L> {
  return new Gauge({ name, help, labelNames, registers: [registry] });
}

/** A histogram family `name` with `labelNames` and `buckets` (seconds), registered with `registry`. */
function histogram<L extends string>(registry: Registry, name: string, help: string, labelNames: readonly L[], buckets: readonly number[]): Histogram<L> {
  return new Histogram({ name, help, labelNames, buckets: [...buckets], registers: [registry] });
}

/** The metric families of a manager (one registry per manager). */
export class RuntimeMetrics {
  /** The registry every family is registered with (serve it at `/metrics`). */
  readonly registry: Registry;
  /** `controller_runtime_reconcile_total`: reconciles by controller and result. */
  readonly reconcileTotal: Counter<'controller' | 'result'>;
  /** `controller_runtime_reconcile_errors_total`: failed reconciles by controller. */
  readonly reconcileErrors: Counter<'controller'>;
  /** `controller_runtime_reconcile_time_seconds`: reconcile duration by controller. */
  readonly reconcileTime: Histogram<'controller'>;
  /** `controller_runtime_max_concurrent_reconciles`: workers per controller. */
  readonly maxConcurrent: Gauge<'controller'>;
  /** `controller_runtime_active_workers`: workers busy per controller. */
  readonly activeWorkers: Gauge<'controller'>;
  /** `workqueue_depth`: keys waiting per queue. */
  readonly queueDepth: Gauge<'name' | 'controller'>;
  /** `workqueue_adds_total`: keys added per queue. */
  readonly queueAdds: Counter<'name' | 'controller'>;
  /** `workqueue_retries_total`: keys re-added with backoff per queue. */
  readonly queueRetries: Counter<'name' | 'controller'>;
  /** `workqueue_queue_duration_seconds`: time a key waits before a worker takes it. */
  readonly queueDuration: Histogram<'name' | 'controller'>;
  /** `workqueue_work_duration_seconds`: time a worker spends on a key. */
  readonly workDuration: Histogram<'name' | 'controller'>;
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

  /** Registers every family with `registry` (a new one by default). */
  constructor(registry: Registry = new Registry()) {
    this.registry = registry;
    const queue = ['name', 'controller'] as const;
    this.reconcileTotal = counter(registry, 'controller_runtime_reconcile_total', 'Total number of reconciliations per controller', ['controller', 'result']);
    this.reconcileErrors = counter(registry, 'controller_runtime_reconcile_errors_total', 'Total number of reconciliation errors per controller', [
      'controller',
    ]);
    this.reconcileTime = histogram(
      registry,
      'controller_runtime_reconcile_time_seconds',
      'Length of time per reconciliation per controller',
      ['controller'],
      BUCKETS,
    );
    this.maxConcurrent = gauge(registry, 'controller_runtime_max_concurrent_reconciles', 'Maximum number of concurrent reconciles per controller', [
      'controller',
    ]);
    this.activeWorkers = gauge(registry, 'controller_runtime_active_workers', 'Number of currently used workers per controller', ['controller']);
    this.queueDepth = gauge(registry, 'workqueue_depth', 'Current depth of workqueue', queue);
    this.queueAdds = counter(registry, 'workqueue_adds_total', 'Total number of adds handled by workqueue', queue);
    this.queueRetries = counter(registry, 'workqueue_retries_total', 'Total number of retries handled by workqueue', queue);
    this.queueDuration = histogram(
      registry,
      'workqueue_queue_duration_seconds',
      'How long in seconds an item stays in workqueue before being requested',
      queue,
      QUEUE_BUCKETS,
    );
    this.workDuration = histogram(
      registry,
      'workqueue_work_duration_seconds',
      'How long in seconds processing an item from workqueue takes',
      queue,
      QUEUE_BUCKETS,
    );
    this.leader = gauge(
      registry,
      'leader_election_master_status',
      'Gauge of if the reporting system is master of the relevant lease, 0 indicates backup, 1 indicates master',
      ['name'],
    );
    this.stepTotal = counter(registry, 'kubeception_step_total', 'Ordered steps run, by outcome', ['controller', 'step', 'phase', 'result']);
    this.stepTime = histogram(registry, 'kubeception_step_time_seconds', 'Length of time per step run', ['controller', 'step', 'phase'], BUCKETS);
    this.watcherSynced = gauge(registry, 'kubeception_watcher_synced', '1 once a watcher has listed its kind', ['resource']);
    this.watcherFailures = gauge(registry, 'kubeception_watcher_failures', 'Consecutive failures of a watcher', ['resource']);
  }

  /** A work queue observer feeding the workqueue_* families for `controller`. */
  queueObserver(controller: string): WorkQueueObserver {
    const labels = { name: controller, controller };
    return {
      added: () => this.queueAdds.inc(labels),
      retried: () => this.queueRetries.inc(labels),
      depth: (depth) => this.queueDepth.set(labels, depth),
      started: (waitedMs) => this.queueDuration.observe(labels, waitedMs / 1000),
      finished: (workedMs) => this.workDuration.observe(labels, workedMs / 1000),
    };
  }
}
