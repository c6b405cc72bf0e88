/**
 * Certificates issued per second through the fake Vault with the real node-vault client (over
 * the served port, sequential), ECDSA P-256 and RSA-2048. Baseline, same run: generating the
 * same key pair and signing the same leaf directly with the fake's own X.509 code (no HTTP, no
 * Vault logic), so the ratio is the fake's overhead (HTTP, routing, ACL, role checks, key export).
 */
import nodeVault from 'node-vault';
import { startFakeVault } from '../packages/testing/src/fake-vault/fake-vault.js';
import { createLeaf, createRoot, generateKeys, generateLeafKeys, keySpec, type KeySpec } from '../packages/testing/src/fake-vault/pki-crypto.js';
import type { Figure } from './figure.js';

const DAY = 86_400_000;

async function perSecond(count: number, fn: (i: number) => Promise<unknown>): Promise<number> {
  await fn(-1); // warm-up
  const start = performance.now();
  for (let i = 0; i < count; i++) await fn(i);
  return (count / (performance.now() - start)) * 1000;
}

async function baseline(spec: KeySpec, count: number): Promise<number> {
  const caKeys = await generateKeys(keySpec('ec', 256));
  const now = new Date();
  const subject = { commonName: 'bench-ca' };
  const certificate = await createRoot({ subject, sans: { dns: [], ip: [], email: [] }, keys: caKeys, spec: keySpec('ec', 256), notBefore: now, notAfter: new Date(now.getTime() + 365 * DAY), maxPathLength: -1 });
  const issuer = { certificate, keys: caKeys, spec: keySpec('ec', 256) };
  return perSecond(count, async (i) => {
    const keys = await generateLeafKeys(spec);
    createLeaf({ issuer, publicKey: keys.publicKey, subject: { commonName: `n${i}.example.com`, organization: ['system:nodes'] }, sans: { dns: [`n${i}.example.com`], ip: ['10.0.0.1'], email: [] }, notBefore: now, notAfter: new Date(now.getTime() + 3 * DAY), keyUsage: 0b10101000, extKeyUsage: ['1.3.6.1.5.5.7.3.1', '1.3.6.1.5.5.7.3.2'] });
  });
}

export async function run({ quick }: { quick: boolean }): Promise<Figure[]> {
  const vault = await startFakeVault();
  const client = nodeVault({ endpoint: vault.url, token: vault.rootToken, noCustomHTTPVerbs: true });
  const figures: Figure[] = [];
  try {
    await client.mount({ mount_point: 'pki-bench', type: 'pki', config: { max_lease_ttl: '87600h' } });
    await client.write('pki-bench/root/generate/internal', { common_name: 'bench-ca', ttl: '8760h', key_type: 'ec' });
    const role = { allowed_domains: 'example.com', allow_subdomains: true, organization: 'system:nodes', ttl: '72h' };
    await client.write('pki-bench/roles/ec', { ...role, key_type: 'ec' });
    await client.write('pki-bench/roles/rsa', { ...role, key_type: 'rsa', key_bits: 2048 });
    for (const [type, count] of [['ec', quick ? 100 : 500], ['rsa', quick ? 5 : 20]] as const) {
      const issue = (i: number) => client.write(`pki-bench/issue/${type}`, { common_name: `n${i}.example.com`, ip_sans: '10.0.0.1' });
      const value = await perSecond(count, issue);
      const base = await baseline(keySpec(type, 0), count);
      const label = type === 'ec' ? 'ECDSA P-256' : 'RSA-2048';
      figures.push({ name: `fake Vault: certificates issued (${label}, node-vault)`, value, unit: 'certs/s', baseline: base, ratio: value / base });
    }
  } finally {
    await vault.close();
  }
  return figures;
}
