/**
 * The process and Node.js runtime families (`process_*`, `nodejs_*`): prom-client's default
 * metrics, what controller-runtime's process and Go collectors are to a Go operator.
 *
 * They describe the process, not a manager, so they are collected by one set of collectors per
 * process, made on first use in a registry of their own, and that set is registered with each
 * manager's registry (once: a family the registry already has is left alone). prom-client's
 * `collectDefaultMetrics` starts an event-loop delay timer and a GC observer per call that are
 * never stopped, so one call per manager would pile them up in a process that makes many
 * managers (a test suite); and prom-client's global registry is never used. The event-loop delay
 * figures cover the time since the previous scrape of any registry.
 */
import { collectDefaultMetrics, Registry, type Metric } from 'prom-client';

let collectors: readonly Metric[] | undefined;

/** Registers the process and Node.js runtime families with `registry`. */
export function registerProcessMetrics(registry: Registry): void {
  if (collectors === undefined) {
    const own = new Registry();
    collectDefaultMetrics({ register: own });
    // prom-client types the registry's metrics as plain objects; they are the metric instances
    collectors = own.getMetricsAsArray() as unknown as readonly Metric[];
  }
  for (const metric of collectors) {
    const { name } = metric as unknown as { name: string };
    if (registry.getSingleMetric(name) === undefined) registry.registerMetric(metric);
  }
}
