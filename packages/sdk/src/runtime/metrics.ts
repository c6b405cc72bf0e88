/**
 * Prometheus metrics with controller-runtime's names and labels, so existing dashboards and
 * alerts work unchanged, plus per-step metrics of ordered steps.
 */
import { Counter, Gauge, Histogram, Registry } from 'prom-client';
import type { WorkQueueObserver } from './workqueue.js';

/** Reconcile outcome label, as controller-runtime reports it. */
export type ReconcileResult = 'success' | 'error' | 'requeue' | 'requeue_after';

const BUCKETS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.15, 0.2, 0.25, 0.3, 0.35, 0.4, 0.45, 0.5, 0.6, 0.7, 0.8, 0.9, 1, 1.25, 1.5, 1.75, 2, 2.5, 3, 3.5, 4, 4.5, 5, 6, 7, 8, 9, 10, 15, 20, 25, 30, 40, 50, 60];
const QUEUE_BUCKETS = [1e-8, 1e-7, 1e-6, 1e-5, 1e-4, 1e-3, 0.01, 0.1, 1, 10, 100, 1000];

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
    const registers = [registry];
    this.reconcileTotal = new Counter({ name: 'controller_runtime_reconcile_total', help: 'Total number of reconciliations per controller', labelNames: ['controller', 'result'], registers });
    this.reconcileErrors = new Counter({ name: 'controller_runtime_reconcile_errors_total', help: 'Total number of reconciliation errors per controller', labelNames: ['controller'], registers });
    this.reconcileTime = new Histogram({ name: 'controller_runtime_reconcile_time_seconds', help: 'Length of time per reconciliation per controller', labelNames: ['controller'], buckets: BUCKETS, registers });
    this.maxConcurrent = new Gauge({ name: 'controller_runtime_max_concurrent_reconciles', help: 'Maximum number of concurrent reconciles per controller', labelNames: ['controller'], registers });
    this.activeWorkers = new Gauge({ name: 'controller_runtime_active_workers', help: 'Number of currently used workers per controller', labelNames: ['controller'], registers });
    const queue = ['name', 'controller'] as const;
    this.queueDepth = new Gauge({ name: 'workqueue_depth', help: 'Current depth of workqueue', labelNames: queue, registers });
    this.queueAdds = new Counter({ name: 'workqueue_adds_total', help: 'Total number of adds handled by workqueue', labelNames: queue, registers });
    this.queueRetries = new Counter({ name: 'workqueue_retries_total', help: 'Total number of retries handled by workqueue', labelNames: queue, registers });
    this.queueDuration = new Histogram({ name: 'workqueue_queue_duration_seconds', help: 'How long in seconds an item stays in workqueue before being requested', labelNames: queue, buckets: QUEUE_BUCKETS, registers });
    this.workDuration = new Histogram({ name: 'workqueue_work_duration_seconds', help: 'How long in seconds processing an item from workqueue takes', labelNames: queue, buckets: QUEUE_BUCKETS, registers });
    this.leader = new Gauge({ name: 'leader_election_master_status', help: 'Gauge of if the reporting system is master of the relevant lease, 0 indicates backup, 1 indicates master', labelNames: ['name'], registers });
    this.stepTotal = new Counter({ name: 'kubeception_step_total', help: 'Ordered steps run, by outcome', labelNames: ['controller', 'step', 'phase', 'result'], registers });
    this.stepTime = new Histogram({ name: 'kubeception_step_time_seconds', help: 'Length of time per step run', labelNames: ['controller', 'step', 'phase'], buckets: BUCKETS, registers });
    this.watcherSynced = new Gauge({ name: 'kubeception_watcher_synced', help: '1 once a watcher has listed its kind', labelNames: ['resource'], registers });
    this.watcherFailures = new Gauge({ name: 'kubeception_watcher_failures', help: 'Consecutive failures of a watcher', labelNames: ['resource'], registers });
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
