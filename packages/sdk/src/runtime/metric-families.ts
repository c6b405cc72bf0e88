/** Builders of metric families registered with one registry (the manager's, never prom-client's global one). */
import { Counter, Gauge, Histogram, type GaugeConfiguration, type Registry } from 'prom-client';

/** A counter family `name` with `labelNames`, registered with `registry`. */
export function counter<L extends string>(registry: Registry, name: string, help: string, labelNames: readonly L[]): Counter<L> {
  return new Counter({ name, help, labelNames, registers: [registry] });
}

/** A gauge family `name` with `labelNames`, registered with `registry`; `collect` sets its values at each scrape. */
export function gauge<L extends string>(
  registry: Registry,
  name: string,
  help: string,
  labelNames: readonly L[],
  collect?: GaugeConfiguration<L>['collect'],
): Gauge<L> {
  return new Gauge({ name, help, labelNames, registers: [registry], ...(collect === undefined ? {} : { collect }) });
}

/** A histogram family `name` with `labelNames` and `buckets`, registered with `registry`. */
export function histogram<L extends string>(
  registry: Registry,
  name: string,
  help: string,
  labelNames: readonly L[],
  buckets: readonly number[],
): Histogram<L> {
  return new Histogram({ name, help, labelNames, buckets: [...buckets], registers: [registry] });
}
