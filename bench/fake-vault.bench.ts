/**
 * Certificates issued per second through the fake Vault with the real node-vault client (over
 * the served port, sequential), ECDSA P-256 and RSA-2048. Baseline, same run: the cryptography an
 * issue cannot do without, directly with Node: generating the same key pair (as the fake does,
 * off the event loop) and one signature by an ECDSA P-256 CA key over a certificate-sized body.
 * So the ratio is the fake's overhead over that minimum: HTTP, routing, ACL, role checks,
 * building and encoding the certificate, key export.
 */
import { generateKeyPair, randomBytes, sign, type KeyObject } from 'node:crypto';
import { promisify } from 'node:util';
import nodeVault from 'node-vault';
import { startFakeVault } from '@kubeception/testing';
import type { Figure } from './figure.js';

const generateKeys = promisify(generateKeyPair);
/** About the size of a leaf's to-be-signed part with a few SANs and the usual extensions. */
const TBS_BYTES = 450;

async function perSecond(count: number, fn: (i: number) => Promise<unknown>): Promise<number> {
  await fn(-1); // warm-up
  const start = performance.now();
  for (let i = 0; i < count; i++) await fn(i);
  return (count / (performance.now() - start)) * 1000;
}

/** Leaf key pairs Node generates per second for `type`, each followed by one signature of the CA key. */
async function baseline(type: 'ec' | 'rsa', count: number): Promise<number> {
  const ca = await generateKeys('ec', { namedCurve: 'prime256v1' });
  const leafKeys = (): Promise<{ privateKey: KeyObject }> =>
    type === 'ec' ? generateKeys('ec', { namedCurve: 'prime256v1' }) : generateKeys('rsa', { modulusLength: 2048, publicExponent: 0x10001 });
  return perSecond(count, async () => {
    await leafKeys();
    sign('sha256', randomBytes(TBS_BYTES), { key: ca.privateKey, dsaEncoding: 'der' });
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
    for (const [type, count] of [
      ['ec', quick ? 100 : 500],
      ['rsa', quick ? 5 : 20],
    ] as const) {
      const issue = (i: number) => client.write(`pki-bench/issue/${type}`, { common_name: `n${i}.example.com`, ip_sans: '10.0.0.1' });
      const value = await perSecond(count, issue);
      const base = await baseline(type, count);
      const label = type === 'ec' ? 'ECDSA P-256' : 'RSA-2048';
      figures.push({ name: `fake Vault: certificates issued (${label}, node-vault)`, value, unit: 'certs/s', baseline: base, ratio: value / base });
    }
  } finally {
    await vault.close();
  }
  return figures;
}
