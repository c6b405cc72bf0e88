import { CertificateResource, type Certificate, type CertificateInput } from '@kubeception/sdk';
import { createController, done, next, steps, waitFor, withFinalizer, type Controller } from '@kubeception/sdk/runtime';
import { ResultAsync, errAsync, okAsync } from 'neverthrow';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { startHarness, type RuntimeHarness } from './harness.js';

let h: RuntimeHarness;
beforeEach(async () => (h = await startHarness()));
afterEach(() => h.stop());

const FINALIZER = 'kubeception.io/test-operator';
const certs = () => h.kube.resource(CertificateResource);
const cert = (name: string, finalizers?: string[]): CertificateInput => ({
  apiVersion: 'kubeception.io/v1alpha1',
  kind: 'Certificate',
  metadata: { name, namespace: 'default', ...(finalizers ? { finalizers } : {}) },
  spec: { clusterRef: { name: 'demo' }, component: 'api', role: 'api', commonName: 'api.demo' },
});
const gone = async (name: string) =>
  (await certs().get(name, { namespace: 'default' })).match(
    () => false,
    (e) => e.kind === 'NotFound',
  );

function finalized(log: string[], cleanup?: () => ResultAsync<ReturnType<typeof done>, unknown>): Controller {
  return createController({
    name: 'fin',
    resource: CertificateResource,
    namespace: 'default',
    queue: { backoff: { baseMs: 5, jitter: 0 } },
    reconcile: withFinalizer(FINALIZER, {
      apply: (o) => (log.push(`apply ${o.metadata.name} finalizers=${(o.metadata.finalizers ?? []).join(',')}`), okAsync(done())),
      cleanup: (o) => (log.push(`cleanup ${o.metadata.name}`), cleanup ? cleanup() : okAsync(done())),
    }),
  });
}

describe('withFinalizer', () => {
  it('adds the finalizer before apply, runs cleanup on delete, then lets the object go', async () => {
    const log: string[] = [];
    h.start([finalized(log)]);
    await certs().create(cert('f1'));
    await expect.poll(() => log).toContain(`apply f1 finalizers=${FINALIZER}`);
    expect((await certs().get('f1', { namespace: 'default' }))._unsafeUnwrap().metadata.finalizers).toEqual([FINALIZER]);
    await certs().delete('f1', { namespace: 'default' });
    await expect.poll(() => gone('f1')).toBe(true);
    expect(log.filter((l) => l.startsWith('cleanup'))).toEqual(['cleanup f1']);
  });

  it('after a crash between cleanup and finalizer removal, re-runs cleanup and removes the finalizer once', async () => {
    const log: string[] = [];
    let crash: () => Promise<void> = async () => {};
    const first = h.start([finalized(log, () => ResultAsync.fromSafePromise(crash()).andThen(() => errAsync({ kind: 'Crashed' })))]);
    crash = async () => {
      void first.stop(); // the process dies right after the cleanup's side effects
      await new Promise((r) => setTimeout(r, 50));
    };
    await certs().create(cert('f2'));
    await expect.poll(() => log.some((l) => l.startsWith('apply f2'))).toBe(true);
    await certs().delete('f2', { namespace: 'default' });
    await expect.poll(() => log.filter((l) => l === 'cleanup f2').length).toBe(1);
    await first.stop();
    expect((await certs().get('f2', { namespace: 'default' }))._unsafeUnwrap().metadata.finalizers).toEqual([FINALIZER]);

    h.fake.requests.clear();
    h.start([finalized(log)]);
    await expect.poll(() => gone('f2')).toBe(true);
    expect(log.filter((l) => l === 'cleanup f2').length).toBe(2);
    expect(h.fake.requests.count({ verb: 'patch', resource: 'certificates', code: 200 })).toBe(1);
  });

  it('does nothing at all for an object deleted before the finalizer was added', async () => {
    await certs().create(cert('f3', ['example.com/hold']));
    await certs().delete('f3', { namespace: 'default' });
    h.fake.requests.clear();
    const log: string[] = [];
    h.start([finalized(log)]);
    await new Promise((r) => setTimeout(r, 300));
    expect(log).toEqual([]);
    expect(h.fake.requests.count({ resource: 'certificates', verb: 'patch' }) + h.fake.requests.count({ resource: 'certificates', verb: 'update' })).toBe(0);
    await certs().patch('f3', { type: 'merge', body: { metadata: { finalizers: null } } }, { namespace: 'default' });
  });
});

describe('steps', () => {
  const stepList = (log: string[], waitAt?: string) =>
    ['a', 'b', 'c'].map((name) => ({
      name,
      reconcile: () => (log.push(`apply ${name}`), okAsync(name === waitAt ? waitFor(`${name} not ready`) : next())),
      cleanup: () => (log.push(`cleanup ${name}`), okAsync(next())),
    }));

  it('applies in order and cleans up in reverse order', async () => {
    const log: string[] = [];
    const s = steps<Certificate, CertificateInput, never>(stepList(log));
    h.start([createController({ name: 'steps', resource: CertificateResource, namespace: 'default', reconcile: withFinalizer(FINALIZER, s) })]);
    await certs().create(cert('s1'));
    await expect.poll(() => log.length).toBeGreaterThanOrEqual(3);
    await certs().delete('s1', { namespace: 'default' });
    await expect.poll(() => gone('s1')).toBe(true);
    const applies = log.filter((l) => l.startsWith('apply'));
    const cleanups = log.filter((l) => l.startsWith('cleanup'));
    // each apply pass (the finalizer's own write causes a second, write-free one) runs a, b, c in order
    expect(applies.join(' ')).toMatch(/^(apply a apply b apply c ?)+$/);
    expect(cleanups).toEqual(['cleanup c', 'cleanup b', 'cleanup a']);
    expect(log.indexOf('cleanup c')).toBeGreaterThan(log.lastIndexOf('apply c'));
  });

  it('stops at a step that waits, and counts every step in metrics', async () => {
    const log: string[] = [];
    const manager = h.start([]);
    await manager.stop();
    const s = steps<Certificate, CertificateInput, never>(stepList(log, 'b'), { metrics: manager.metrics });
    h.start([createController({ name: 'waits', resource: CertificateResource, namespace: 'default', reconcile: s.apply })], { metrics: manager.metrics });
    await certs().create(cert('s2'));
    await expect.poll(() => log).toEqual(['apply a', 'apply b']);
    await new Promise((r) => setTimeout(r, 100));
    expect(log).toEqual(['apply a', 'apply b']);
    const text = await manager.metrics.registry.metrics();
    expect(text).toContain('kubeception_step_total{controller="waits",step="a",phase="apply",result="next"} 1');
    expect(text).toContain('kubeception_step_total{controller="waits",step="b",phase="apply",result="waitFor"} 1');
    expect(text).not.toContain('step="c"');
    expect(text).toMatch(/kubeception_step_time_seconds_count\{controller="waits",step="a",phase="apply"\} 1/);
  });
});
