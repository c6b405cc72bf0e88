/**
 * The cert-operator's Vault policy is least privilege: the documented policy is enough to run it
 * (against the fake Vault, which enforces ACLs), and it can neither write policies nor mint
 * tokens, so a stolen operator token cannot grant itself more.
 */
import { readFileSync } from 'node:fs';
import { createCertOperator, operatorPolicy } from '@kubeception/pki-vault';
import { CertificateAuthorityResource, CertificateResource, isTrue } from '@kubeception/sdk';
import { createKubeClient } from '@kubeception/sdk/kube';
import vault from 'node-vault';
import { describe, expect, it } from 'vitest';
import { startEmbedded } from './embedded.js';

const shipped = readFileSync(new URL('../deploy/vault-policy.hcl', import.meta.url), 'utf8');

describe('the operator’s Vault policy', () => {
  it('ships the policy @kubeception/pki-vault writes', () => {
    expect(shipped.replace(/^#.*\n/gm, '')).toBe(operatorPolicy());
  });

  it('is enough to run the operator, and allows no policy writes nor token minting', async () => {
    const world = await startEmbedded();
    const root = vault({ endpoint: world.fakeVault.url, token: world.fakeVault.rootToken, noCustomHTTPVerbs: true });
    await root.write('sys/policy/cert-operator', { policy: shipped });
    const token = ((await root.write('auth/token/create', { policies: ['cert-operator'], ttl: '1h' })) as { auth: { client_token: string } }).auth.client_token;
    const operatorVault = vault({ endpoint: world.fakeVault.url, token, noCustomHTTPVerbs: true });
    const operator = createCertOperator({ kube: world.operatorKube, vault: operatorVault });
    void operator.start();
    const kube = createKubeClient({ kubeConfig: world.fakeKube.kubeConfig, qps: 0 });
    const ready = async () =>
      (await kube.resource(CertificateResource).list({ namespace: 'default' }))._unsafeUnwrap().items.filter((c) => isTrue(c.status?.conditions, 'Ready'))
        .length;
    await expect.poll(ready, { timeout: 30_000 }).toBe(7);

    const grant = 'path "*" {\n  capabilities = ["create", "read", "update", "delete", "list", "sudo"]\n}\n';
    await expect(operatorVault.write('sys/policy/kubeception-escalate', { policy: grant })).rejects.toMatchObject({ response: { statusCode: 403 } });
    await expect(operatorVault.write('auth/token/create', { policies: ['cert-operator'] })).rejects.toMatchObject({ response: { statusCode: 403 } });
    await expect(operatorVault.write('sys/mounts/kv-steal', { type: 'pki' })).rejects.toMatchObject({ response: { statusCode: 403 } });

    await kube.resource(CertificateAuthorityResource).delete('demo', { namespace: 'default' });
    await expect.poll(() => world.fakeVault.state.mounts(), { timeout: 30_000 }).toEqual([]);
    await operator.stop();
    await world.stop();
  });
});
