/**
 * The `workqueue_*` families of client-go's work queue, as controller-runtime registers them
 * (names, help, labels and buckets of its workqueue metrics provider): `name` and `controller`
 * are both the controller's name. The depth, adds, retries and durations follow the queue's
 * observer; the unfinished work and the longest running processor are computed at each scrape
 * from the keys in flight, where client-go updates them every half second.
 */
import type { Counter, Gauge, Histogram, Registry } from 'prom-client';
import { counter, gauge, histogram } from './metric-families.js';
import type { UnfinishedWork, WorkQueueObserver } from './workqueue.js';

/** 10 ns to 1,000 s, by powers of ten (client-go's `ExponentialBuckets(10e-9, 10, 12)`). */
const QUEUE_BUCKETS = [1e-8, 1e-7, 1e-6, 1e-5, 1e-4, 1e-3, 0.01, 0.1, 1, 10, 100, 1000];

/** The work queue families of a manager. */
export class WorkQueueMetrics {
  /** `workqueue_depth`: keys waiting per queue. */
  readonly depth: Gauge<'name' | 'controller'>;
  /** `workqueue_adds_total`: keys added per queue. */
  readonly adds: Counter<'name' | 'controller'>;
  /** `workqueue_retries_total`: keys re-added with backoff per queue. */
  readonly retries: Counter<'name' | 'controller'>;
  /** `workqueue_queue_duration_seconds`: time a key waits before a worker takes it. */
  readonly queueDuration: Histogram<'name' | 'controller'>;
  /** `workqueue_work_duration_seconds`: time a worker spends on a key. */
  readonly workDuration: Histogram<'name' | 'controller'>;
  /** `workqueue_unfinished_work_seconds`: seconds spent so far on the keys in flight (stuck workers make it grow). */
  readonly unfinishedWork: Gauge<'name' | 'controller'>;
  /** `workqueue_longest_running_processor_seconds`: seconds spent so far on the key in flight the longest. */
  readonly longestRunning: Gauge<'name' | 'controller'>;
  /** The work in flight of each tracked queue, by controller. */
  private readonly inFlight = new Map<string, () => UnfinishedWork>();

  /** Registers the families with `registry`. */
  constructor(registry: Registry) {
    const labels = ['name', 'controller'] as const;
    const queues = this.inFlight;
    this.depth = gauge(registry, 'workqueue_depth', 'Current depth of workqueue', labels);
    this.adds = counter(registry, 'workqueue_adds_total', 'Total number of adds handled by workqueue', labels);
    this.retries = counter(registry, 'workqueue_retries_total', 'Total number of retries handled by workqueue', labels);
    this.queueDuration = histogram(
      registry,
      'workqueue_queue_duration_seconds',
      'How long in seconds an item stays in workqueue before being requested',
      labels,
      QUEUE_BUCKETS,
    );
    this.workDuration = histogram(
      registry,
      'workqueue_work_duration_seconds',
      'How long in seconds processing an item from workqueue takes',
      labels,
      QUEUE_BUCKETS,
    );
    const unfinishedHelp = `How many seconds of work has been done that is in progress and hasn't been observed by work_duration. Large values indicate stuck threads. One can deduce the number of stuck threads by observing the rate at which this increases.`;
    this.unfinishedWork = gauge(registry, 'workqueue_unfinished_work_seconds', unfinishedHelp, labels, function () {
      for (const [controller, work] of queues) this.set({ name: controller, controller }, work().totalSeconds);
    });
    const longestHelp = 'How many seconds has the longest running processor for workqueue been running.';
    this.longestRunning = gauge(registry, 'workqueue_longest_running_processor_seconds', longestHelp, labels, function () {
      for (const [controller, work] of queues) this.set({ name: controller, controller }, work().longestSeconds);
    });
  }

  /** A work queue observer feeding the families of `controller`'s queue. */
  observer(controller: string): WorkQueueObserver {
    const labels = { name: controller, controller };
    return {
      added: () => this.adds.inc(labels),
      retried: () => this.retries.inc(labels),
      depth: (depth) => this.depth.set(labels, depth),
      started: (waitedMs) => this.queueDuration.observe(labels, waitedMs / 1000),
      finished: (workedMs) => this.workDuration.observe(labels, workedMs / 1000),
    };
  }

  /**
   * Sets up the series of `controller`'s queue, at 0 as client-go's do from the queue's creation,
   * and reports its work in flight at each scrape (a later queue of the same controller replaces it).
   */
  track(controller: string, work: () => UnfinishedWork): void {
    const labels = { name: controller, controller };
    this.depth.set(labels, 0);
    for (const family of [this.adds, this.retries]) family.inc(labels, 0);
    for (const family of [this.queueDuration, this.workDuration]) family.zero(labels);
    this.inFlight.set(controller, work);
  }
}
