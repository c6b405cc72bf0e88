/**
 * client-go's REST client families, which controller-runtime registers through its client-go
 * metrics adapter: names, help, labels and buckets as in `k8s.io/component-base`'s restclient
 * metrics. They are fed by a kube client's request observer (`KubeClient.observeRequests`).
 */
import type { Counter, Histogram, Registry } from 'prom-client';
import type { KubeRequest } from '../kube/request-observer.js';
import { counter, histogram } from './metric-families.js';

const LATENCY_BUCKETS = [0.005, 0.025, 0.1, 0.25, 0.5, 1, 2, 4, 8, 15, 30, 60];
/** 64 bytes to 16 MiB. */
const SIZE_BUCKETS = [64, 256, 512, 1024, 4096, 16384, 65536, 262144, 1048576, 4194304, 16777216];

/** The `rest_client_*` families of a manager. */
export class RestClientMetrics {
  /** `rest_client_requests_total`: requests by status code (`<error>` without a response), method and host. */
  readonly requests: Counter<'code' | 'method' | 'host'>;
  /** `rest_client_request_duration_seconds`: request latency by verb (the HTTP method) and host. */
  readonly duration: Histogram<'verb' | 'host'>;
  /** `rest_client_request_size_bytes`: request body sizes by verb and host. */
  readonly requestSize: Histogram<'verb' | 'host'>;
  /** `rest_client_response_size_bytes`: response body sizes by verb and host (not of watches). */
  readonly responseSize: Histogram<'verb' | 'host'>;

  /** Registers the families with `registry`. */
  constructor(registry: Registry) {
    const sized = ['verb', 'host'] as const;
    this.requests = counter(registry, 'rest_client_requests_total', 'Number of HTTP requests, partitioned by status code, method, and host.', [
      'code',
      'method',
      'host',
    ]);
    this.duration = histogram(
      registry,
      'rest_client_request_duration_seconds',
      'Request latency in seconds. Broken down by verb, and host.',
      sized,
      LATENCY_BUCKETS,
    );
    this.requestSize = histogram(registry, 'rest_client_request_size_bytes', 'Request size in bytes. Broken down by verb and host.', sized, SIZE_BUCKETS);
    this.responseSize = histogram(registry, 'rest_client_response_size_bytes', 'Response size in bytes. Broken down by verb and host.', sized, SIZE_BUCKETS);
  }

  /** Counts one request (a kube client's request observer). */
  readonly observe = (request: KubeRequest): void => {
    const labels = { verb: request.method, host: request.host };
    this.requests.inc({ code: request.code, method: request.method, host: request.host });
    this.duration.observe(labels, request.durationMs / 1000);
    this.requestSize.observe(labels, request.requestBytes);
    if (request.responseBytes !== undefined) this.responseSize.observe(labels, request.responseBytes);
  };
}
