import { CertificateResource, ConditionType, Reason } from '@kubeception/sdk';
import { createController, done, patchConditions } from '@kubeception/sdk/runtime';
import { afterEach, beforeEach, expect, it } from 'vitest';
import { startHarness, type RuntimeHarness } from './harness.js';

let h: RuntimeHarness;
beforeEach(async () => (h = await startHarness()));
afterEach(() => h.stop());

it('after convergence, a full resync of 1,000 objects makes 0 write requests', async () => {
  const certs = h.kube.resource(CertificateResource);
  for (let i = 0; i < 1000; i++) {
    (
      await certs.create({
        apiVersion: 'kubeception.io/v1alpha1',
        kind: 'Certificate',
        metadata: { name: `c${i}`, namespace: 'default' },
        spec: { clusterRef: { name: 'demo' }, component: 'api', role: 'api', commonName: `c${i}` },
      })
    )._unsafeUnwrap();
  }
  let reconciles = 0;
  const controller = createController({
    name: 'steady',
    resource: CertificateResource,
    concurrency: 8,
    reconcile: (cert, ctx) => {
      reconciles++;
      return patchConditions(ctx.client, cert, [{ type: ConditionType.Ready, status: 'True', reason: Reason.AsExpected, message: 'fine' }]).map(() => done());
    },
  });
  h.start([controller]);
  const ready = async () =>
    (await certs.list({ namespace: 'default' }))._unsafeUnwrap().items.filter((c) => c.status?.conditions?.[0]?.status === 'True').length;
  await expect.poll(ready, { timeout: 30_000, interval: 200 }).toBe(1000);
  await new Promise((r) => setTimeout(r, 300)); // the status writes' own watch events arrive and are filtered

  h.fake.requests.clear();
  const before = reconciles;
  controller.resync();
  await expect.poll(() => reconciles - before, { timeout: 20_000 }).toBe(1000);
  const writes = ['create', 'update', 'patch', 'delete'].reduce((sum, verb) => sum + h.fake.requests.count({ verb }), 0);
  expect(writes).toBe(0);
}, 90_000);
