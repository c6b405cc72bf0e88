import { collectDefaultMetrics, Registry } from 'prom-client';
import { describe, expect, it } from 'vitest';
import { RuntimeMetrics } from './metrics.js';

/** The value of the sample `line` starts with (a name and its labels), if there is one. */
const valueOf = (text: string, line: string) =>
  text
    .split('\n')
    .find((l) => l.startsWith(`${line} `))
    ?.slice(line.length + 1);

describe('RuntimeMetrics', () => {
  it('registers the process and Node.js runtime families with each registry, once', async () => {
    const mine = new Registry();
    collectDefaultMetrics({ register: mine }); // a registry that already has them keeps its own
    for (const metrics of [new RuntimeMetrics(), new RuntimeMetrics(), new RuntimeMetrics(mine)]) {
      const text = await metrics.registry.metrics();
      for (const name of ['process_resident_memory_bytes', 'nodejs_heap_size_used_bytes']) {
        expect(Number(valueOf(text, name))).toBeGreaterThan(0);
      }
      // counted from the registration on: right after it, the CPU used since can read 0 (CI saw it)
      for (const name of ['process_cpu_user_seconds_total', 'nodejs_eventloop_lag_seconds']) {
        expect(Number(valueOf(text, name))).toBeGreaterThanOrEqual(0);
      }
    }
  });

  it('starts a controller at 0 and counts errors, terminal errors and panics apart', async () => {
    const metrics = new RuntimeMetrics();
    metrics.controllerStarted('c', 3, () => ({ totalSeconds: 1.5, longestSeconds: 1 }));
    metrics.reconcileFailed('c', { kind: 'Conflict' });
    metrics.reconcileFailed('c', { kind: 'Refused', terminal: true });
    metrics.reconcileFailed('c', { kind: 'ReconcileThrew', cause: new Error('bug') });
    const text = await metrics.registry.metrics();
    expect(
      Object.fromEntries(
        [
          'controller_runtime_max_concurrent_reconciles{controller="c"}',
          'controller_runtime_reconcile_total{controller="c",result="success"}',
          'controller_runtime_reconcile_total{controller="c",result="error"}',
          'controller_runtime_reconcile_errors_total{controller="c"}',
          'controller_runtime_terminal_reconcile_errors_total{controller="c"}',
          'controller_runtime_reconcile_panics_total{controller="c"}',
          'workqueue_retries_total{name="c",controller="c"}',
          'workqueue_unfinished_work_seconds{name="c",controller="c"}',
          'workqueue_longest_running_processor_seconds{name="c",controller="c"}',
        ].map((line) => [line, valueOf(text, line)]),
      ),
    ).toEqual({
      'controller_runtime_max_concurrent_reconciles{controller="c"}': '3',
      'controller_runtime_reconcile_total{controller="c",result="success"}': '0',
      'controller_runtime_reconcile_total{controller="c",result="error"}': '3',
      'controller_runtime_reconcile_errors_total{controller="c"}': '3',
      'controller_runtime_terminal_reconcile_errors_total{controller="c"}': '1',
      'controller_runtime_reconcile_panics_total{controller="c"}': '1',
      'workqueue_retries_total{name="c",controller="c"}': '0',
      'workqueue_unfinished_work_seconds{name="c",controller="c"}': '1.5',
      'workqueue_longest_running_processor_seconds{name="c",controller="c"}': '1',
    });
  });

  it("counts a client's requests with client-go's labels and buckets", async () => {
    const metrics = new RuntimeMetrics();
    const host = '10.0.0.1:6443';
    metrics.restClient.observe({ method: 'GET', host, code: '200', durationMs: 30, requestBytes: 0, responseBytes: 300 });
    metrics.restClient.observe({ method: 'GET', host, code: '<error>', durationMs: 2, requestBytes: 0 });
    const text = await metrics.registry.metrics();
    expect(valueOf(text, `rest_client_requests_total{code="200",method="GET",host="${host}"}`)).toBe('1');
    expect(valueOf(text, `rest_client_requests_total{code="<error>",method="GET",host="${host}"}`)).toBe('1');
    expect(valueOf(text, `rest_client_request_duration_seconds_bucket{le="0.025",verb="GET",host="${host}"}`)).toBe('1');
    expect(valueOf(text, `rest_client_request_duration_seconds_bucket{le="0.1",verb="GET",host="${host}"}`)).toBe('2');
    expect(valueOf(text, `rest_client_response_size_bytes_bucket{le="512",verb="GET",host="${host}"}`)).toBe('1');
    expect(valueOf(text, `rest_client_response_size_bytes_count{verb="GET",host="${host}"}`)).toBe('1');
    expect(valueOf(text, `rest_client_request_size_bytes_count{verb="GET",host="${host}"}`)).toBe('2');
  });
});
