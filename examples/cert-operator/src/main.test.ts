import { readFileSync, rmSync, statSync } from 'node:fs';
import { createCertOperator } from '@kubeception/pki-vault';
import { CertificateAuthorityResource, CertificateResource, clusterId, isTrue } from '@kubeception/sdk';
import { SecretResource, createKubeClient } from '@kubeception/sdk/kube';
import { parseAllDocuments } from 'yaml';
import { describe, expect, it } from 'vitest';
import { startEmbedded } from './embedded.js';
import { main } from './main.js';

/** A file of the operator's kustomize base (deploy/base). */
const deploy = (file: string) => readFileSync(new URL(`../deploy/base/${file}`, import.meta.url), 'utf8');

describe('cert-operator', () => {
  it('--embedded --once: every Certificate of the sample cluster becomes Ready, then it exits 0', async () => {
    const lines: string[] = [];
    rmSync('.cert-operator.kubeconfig', { force: true });
    expect(await main(['--embedded', '--once', '--log-level=warn'], (l) => lines.push(l))).toBe(0);
    expect(lines).toContain('certificates Ready: 7/7');
    expect(statSync('.cert-operator.kubeconfig').mode & 0o777).toBe(0o600); // it holds the fake's bearer token
    expect(lines.at(-1)).toBe(`vault mounts: pki-${clusterId({ namespace: 'default', name: 'demo' })}/`);
  });

  it('asks RBAC for exactly the verbs it uses', async () => {
    const world = await startEmbedded();
    world.fakeKube.requests.clear();
    const operator = createCertOperator({
      kube: world.operatorKube,
      vault: world.operatorVault,
      leaderElection: { name: 'cert-operator', namespace: 'default', retryPeriodMs: 100 },
    });
    void operator.start();
    const kube = createKubeClient({ kubeConfig: world.fakeKube.kubeConfig, qps: 0, userAgent: 'rbac-test' }); // the test's own requests, told apart
    const ready = async () =>
      (await kube.resource(CertificateResource).list({ namespace: 'default' }))._unsafeUnwrap().items.filter((c) => isTrue(c.status?.conditions, 'Ready'))
        .length;
    await expect.poll(ready, { timeout: 30_000 }).toBe(7);
    // a Secret whose certificate was tampered with is re-issued into the same (owned) Secret: an update
    const etcd = (await kube.resource(SecretResource).get('demo-etcd', { namespace: 'default' }))._unsafeUnwrap();
    (await kube.resource(SecretResource).replace({ ...etcd, data: { ...etcd.data, 'tls.crt': Buffer.from('tampered').toString('base64') } }))._unsafeUnwrap();
    const updates = () => world.fakeKube.requests.filter({ verb: 'update', resource: 'secrets', userAgent: 'cert-operator' }).length;
    await expect.poll(updates, { timeout: 30_000 }).toBeGreaterThanOrEqual(1);
    (await kube.resource(CertificateResource).delete('demo-admin', { namespace: 'default' }))._unsafeUnwrap();
    await kube.resource(CertificateAuthorityResource).delete('demo', { namespace: 'default' });
    await expect.poll(() => world.fakeVault.state.mounts(), { timeout: 30_000 }).toEqual([]);
    await expect.poll(async () => (await kube.resource(SecretResource).get('demo-admin', { namespace: 'default' })).isErr(), { timeout: 30_000 }).toBe(true);
    await operator.stop();

    const operatorRequests = world.fakeKube.requests
      .all()
      .filter((r) => r.verb !== 'discovery' && r.userAgent !== 'rbac-test') // not the test's own requests
      .map((r) => `${r.group}/${r.resource}${r.subresource ? `/${r.subresource}` : ''}:${r.verb}`);
    const used = new Set(operatorRequests);
    const granted = new Set<string>();
    for (const doc of parseAllDocuments(deploy('rbac.yaml')).map(
      (d) => d.toJS() as { kind: string; rules?: { apiGroups: string[]; resources: string[]; verbs: string[] }[] },
    )) {
      for (const rule of doc.rules ?? [])
        for (const g of rule.apiGroups) for (const r of rule.resources) for (const v of rule.verbs) granted.add(`${g}/${r}:${v}`);
    }
    expect([...used].filter((u) => !granted.has(u))).toEqual([]); // nothing used that is not granted
    const implied = new Set([
      '/events:patch', // folding a repeated event into its count; this scenario repeats none
    ]);
    expect([...granted].filter((g) => !used.has(g) && !implied.has(g))).toEqual([]); // nothing granted that is not used
    await world.stop();
  });

  it('reports every Certificate Ready in status on the fake host', async () => {
    const world = await startEmbedded();
    const operator = createCertOperator({ kube: world.operatorKube, vault: world.operatorVault });
    void operator.start();
    const certs = createKubeClient({ kubeConfig: world.fakeKube.kubeConfig, qps: 0 }).resource(CertificateResource);
    await expect
      .poll(async () => (await certs.list({ namespace: 'default' }))._unsafeUnwrap().items.filter((c) => isTrue(c.status?.conditions, 'Ready')).length, {
        timeout: 30_000,
      })
      .toBe(7);
    await operator.stop();
    await world.stop();
  });
});
