import { X509Certificate } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startFakeVault, type StartedFakeVault } from './fake-vault.js';
import { hvacGate, runHvac } from './hvac-support.js';
import { inProcess, type InProcess } from './test-support.js';

const HOUR = 3600;
type Root = { data: { certificate: string; expiration: number }; warnings: string[] | null };

/** Hours from now to a certificate's notAfter, rounded. */
const hoursLeft = (pem: string) => Math.round((new Date(new X509Certificate(pem).validTo).getTime() - Date.now()) / 3_600_000);

describe('sys/mounts/:path/tune reaches the PKI engine (node-vault)', () => {
  let t: InProcess;
  beforeAll(() => (t = inProcess()));
  afterAll(() => t.close());

  it('a tuned max_lease_ttl lets the root CA live that long, and caps a longer TTL at it with Vault’s warning', async () => {
    await t.root.mount({ mount_point: 'pki-x', type: 'pki' }); // the system max: 768h
    await t.root.write('sys/mounts/pki-x/tune', { max_lease_ttl: '876000h' });
    expect((await t.root.read('sys/mounts/pki-x/tune')).data).toMatchObject({ max_lease_ttl: 876_000 * HOUR, default_lease_ttl: 768 * HOUR });

    const full = (await t.root.write('pki-x/root/generate/internal', { common_name: 'x-ca', ttl: '876000h' })) as Root;
    expect(full.warnings).toBeNull();
    expect(hoursLeft(full.data.certificate)).toBe(876_000);

    await t.root.delete('pki-x/root');
    const capped = (await t.root.write('pki-x/root/generate/internal', { common_name: 'x-ca', ttl: '900000h' })) as Root;
    expect(capped.warnings).toEqual(['TTL "900000h0m0s" is longer than permitted maxTTL "876000h0m0s", so maxTTL is being used']);
    expect(hoursLeft(capped.data.certificate)).toBe(876_000);
  });

  it('tuning the max below the system default caps the default TTL where it is used, as Vault does', async () => {
    await t.root.mount({ mount_point: 'pki-short', type: 'pki' });
    await t.root.write('sys/mounts/pki-short/tune', { max_lease_ttl: '1h' });
    // Vault's dynamicSystemView reports the system default even when it exceeds the mount's max
    expect((await t.root.read('sys/mounts/pki-short/tune')).data).toMatchObject({ max_lease_ttl: HOUR, default_lease_ttl: 768 * HOUR });
    const root = (await t.root.write('pki-short/root/generate/internal', { common_name: 'short-ca' })) as Root;
    expect(root.warnings).toEqual(['TTL "768h0m0s" is longer than permitted maxTTL "1h0m0s", so maxTTL is being used']);
    expect(hoursLeft(root.data.certificate)).toBe(1);
  });
});

const hvac = hvacGate();
describe.skipIf(!hvac.run)(`sys/mounts/:path/tune with hvac${hvac.run ? '' : ` (skipped: ${hvac.why})`}`, () => {
  const python = hvac.run ? hvac.python : '';
  let vault: StartedFakeVault;
  beforeAll(async () => (vault = await startFakeVault()));
  afterAll(() => vault.close());

  it('tune_mount_configuration, read_mount_configuration and generate_root', async () => {
    const out = await runHvac<{ tuned: { max_lease_ttl: number }; full: Root; capped: Root }>(
      python,
      vault.url,
      vault.rootToken,
      `
client.sys.enable_secrets_engine('pki', path='pki-x')
client.sys.tune_mount_configuration('pki-x', max_lease_ttl='876000h')
tuned = client.sys.read_mount_configuration('pki-x')['data']
full = client.secrets.pki.generate_root('internal', 'x-ca', extra_params={'ttl': '876000h'}, mount_point='pki-x')
client.secrets.pki.delete_root(mount_point='pki-x')
capped = client.secrets.pki.generate_root('internal', 'x-ca', extra_params={'ttl': '900000h'}, mount_point='pki-x')
print(json.dumps({'tuned': tuned, 'full': full, 'capped': capped}))
`,
    );
    expect(out.tuned.max_lease_ttl).toBe(876_000 * HOUR);
    expect(out.full.warnings).toBeNull();
    expect(hoursLeft(out.full.data.certificate)).toBe(876_000);
    expect(out.capped.warnings).toEqual(['TTL "900000h0m0s" is longer than permitted maxTTL "876000h0m0s", so maxTTL is being used']);
    expect(hoursLeft(out.capped.data.certificate)).toBe(876_000);
  });
});
