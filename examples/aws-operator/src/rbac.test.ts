/**
 * The aws-operator's ClusterRole (deploy/base/rbac.yaml) grants exactly the Kubernetes verbs a
 * create → Ready → delete lifecycle uses, as its Deployment runs it: the Cluster controller alone,
 * with the PKI controllers in another process (the cert-operator, under its own role). A verb it
 * uses but is not granted leaves a cache unsynced on a real host — the Cluster controller then
 * starts no workers — which no test of the in-process fakes (an admin user) would notice.
 */
import { readFileSync } from 'node:fs';
import { createCertOperator } from '@kubeception/pki-vault';
import { ClusterResource } from '@kubeception/sdk';
import { createKubeClient } from '@kubeception/sdk/kube';
import { describe, expect, it, onTestFinished } from 'vitest';
import { parseAllDocuments } from 'yaml';
import { startEmbeddedAws } from './embedded.js';
import { createOperator } from './operator.js';

/** What the manifests grant, as `group/resource:verb`. */
function granted(manifests: string): Set<string> {
  const grants = new Set<string>();
  for (const doc of parseAllDocuments(manifests).map((d) => d.toJS() as { rules?: { apiGroups: string[]; resources: string[]; verbs: string[] }[] }))
    for (const rule of doc.rules ?? [])
      for (const g of rule.apiGroups) for (const r of rule.resources) for (const v of rule.verbs) grants.add(`${g}/${r}:${v}`);
  return grants;
}

describe('aws-operator RBAC', () => {
  it('deploy/base/rbac.yaml grants exactly the verbs a Cluster lifecycle uses', async () => {
    const world = await startEmbeddedAws();
    const kube = createKubeClient({ kubeConfig: world.fakeKube.kubeConfig, qps: 0, userAgent: 'aws-operator' });
    const operator = createOperator({ kube, ec2: world.ec2, pollMs: 20 });
    const pki = createCertOperator({
      kube: createKubeClient({ kubeConfig: world.fakeKube.kubeConfig, qps: 0, userAgent: 'cert-operator' }),
      vault: world.vault,
    });
    onTestFinished(async () => {
      await operator.stop();
      await pki.stop();
      await world.stop();
    });
    void operator.start();
    void pki.start();
    const clusters = world.kube.resource(ClusterResource);
    const phase = async () =>
      (await clusters.get('prod-eu', { namespace: 'default' })).match(
        (c) => c.status?.phase ?? 'Pending',
        () => 'Gone',
      );
    await expect.poll(phase, { timeout: 60_000, interval: 100 }).toBe('Ready');
    (await clusters.delete('prod-eu', { namespace: 'default' }))._unsafeUnwrap();
    await expect.poll(phase, { timeout: 60_000, interval: 100 }).toBe('Gone');

    const used = new Set(
      world.fakeKube.requests
        .all()
        .filter((r) => r.userAgent === 'aws-operator' && r.verb !== 'discovery')
        .map((r) => `${r.group}/${r.resource}${r.subresource ? `/${r.subresource}` : ''}:${r.verb}`),
    );
    const grants = granted(readFileSync(new URL('../deploy/base/rbac.yaml', import.meta.url), 'utf8'));
    const unexercised = new Set([
      // leader election is off here (the Lease Role is checked against the lease name by tests/src/deploy)
      'coordination.k8s.io/leases:create',
      'coordination.k8s.io/leases:get',
      'coordination.k8s.io/leases:update',
      // server-side apply of an object that does not exist yet is a PATCH that RBAC authorizes as create too
      'kubeception.io/certificateauthorities:create',
      'kubeception.io/certificates:create',
      '/secrets:patch', // the guest kubeconfig rewritten when the admin certificate or the endpoint changes
      '/events:create', // warnings (a conflict, a failed step): this lifecycle has none
      '/events:patch', // folding a repeated event into its count
    ]);
    expect([...used].filter((u) => !grants.has(u))).toEqual([]); // nothing used that is not granted
    expect([...grants].filter((g) => !used.has(g) && !unexercised.has(g))).toEqual([]); // nothing granted that is not used
  }, 120_000);
});
