import { readFileSync } from 'node:fs';
import { provider as aws } from '@kubeception/driver-aws';
import { provider as kvm } from '@kubeception/driver-kvm';
import { CertificateAuthorityResource, CertificateResource, isTrue, kubeceptionCrds, toYamlDocuments } from '@kubeception/sdk';
import { createKubeClient } from '@kubeception/sdk/kube';
import { parseAllDocuments } from 'yaml';
import { describe, expect, it } from 'vitest';
import { startEmbedded } from './embedded.js';
import { main } from './main.js';
import { createCertOperator } from './operator.js';

const deploy = (file: string) => readFileSync(new URL(`../deploy/${file}`, import.meta.url), 'utf8');

describe('cert-operator', () => {
  it('--embedded --once: every Certificate of the sample cluster becomes Ready, then it exits 0', async () => {
    const lines: string[] = [];
    expect(await main(['--embedded', '--once'], (l) => lines.push(l))).toBe(0);
    expect(lines).toContain('certificates Ready: 7/7');
    expect(lines.at(-1)).toBe('vault mounts: pki-demo/');
  });

  it('ships the CRDs the SDK generates', () => {
    expect(deploy('crds.yaml')).toBe(toYamlDocuments(kubeceptionCrds({ providers: [kvm, aws] })));
  });

  it('asks RBAC for exactly the verbs it uses', async () => {
    const world = await startEmbedded();
    world.fakeKube.requests.clear();
    const operator = createCertOperator({
      kube: world.operatorKube,
      vault: world.operatorVault,
      leaderElection: { name: 'cert-operator', namespace: 'default', retryPeriodMs: 100 },
    });
    void operator.run();
    const readyCount = () => world.fakeKube.requests.filter({ verb: 'patch', resource: 'certificates', subresource: 'status' }).length;
    await expect.poll(readyCount, { timeout: 30_000 }).toBeGreaterThanOrEqual(7);
    const kube = createKubeClient({ kubeConfig: world.fakeKube.kubeConfig, qps: 0 });
    (await kube.resource(CertificateResource).delete('demo-admin', { namespace: 'default' }))._unsafeUnwrap();
    await kube.resource(CertificateAuthorityResource).delete('demo', { namespace: 'default' });
    await expect.poll(() => world.fakeVault.state.mounts(), { timeout: 30_000 }).toEqual([]);
    await operator.stop();

    const operatorRequests = world.fakeKube.requests
      .all()
      .filter((r) => r.verb !== 'discovery' && !(r.verb === 'delete' && ['certificates', 'certificateauthorities'].includes(r.resource))) // the test's own deletes
      .map((r) => `${r.group}/${r.resource}${r.subresource ? `/${r.subresource}` : ''}:${r.verb}`);
    const used = new Set(operatorRequests);
    const granted = new Set<string>();
    for (const doc of parseAllDocuments(deploy('rbac.yaml')).map((d) => d.toJS() as { kind: string; rules?: { apiGroups: string[]; resources: string[]; verbs: string[] }[] })) {
      for (const rule of doc.rules ?? []) for (const g of rule.apiGroups) for (const r of rule.resources) for (const v of rule.verbs) granted.add(`${g}/${r}:${v}`);
    }
    expect([...used].filter((u) => !granted.has(u))).toEqual([]); // nothing used that is not granted
    const implied = new Set([
      '/secrets:create', // server-side apply that creates a Secret is authorized as create too
      '/events:patch', // folding a repeated event into its count; this scenario repeats none
    ]);
    expect([...granted].filter((g) => !used.has(g) && !implied.has(g))).toEqual([]); // nothing granted that is not used
    await world.stop();
  });

  it('reports every Certificate Ready in status on the fake host', async () => {
    const world = await startEmbedded();
    const operator = createCertOperator({ kube: world.operatorKube, vault: world.operatorVault });
    void operator.run();
    const certs = createKubeClient({ kubeConfig: world.fakeKube.kubeConfig, qps: 0 }).resource(CertificateResource);
    await expect
      .poll(async () => (await certs.list({ namespace: 'default' }))._unsafeUnwrap().items.filter((c) => isTrue(c.status?.conditions, 'Ready')).length, { timeout: 30_000 })
      .toBe(7);
    await operator.stop();
    await world.stop();
  });
});
