import { describe, expect, it } from 'vitest';
import { parseConfig } from './config.js';

describe('parseConfig', () => {
  it('fills host mode from the environment, flags first', () => {
    const env = {
      FLANNEL_ETCD_ENDPOINTS: 'https://a:2379, https://b:2379',
      FLANNEL_ETCD_CA_FILE: '/ca',
      POD_NAMESPACE: 'ops',
      VAULT_ADDR: 'https://vault:8200',
      VAULT_TOKEN: 's.x',
    };
    expect(parseConfig(['--with-pki', '--ledger-namespace', 'ledger', '--flannel-etcd-tls-secret', 'etcd-client'], env)._unsafeUnwrap()).toEqual({
      mode: 'host',
      verbose: false,
      namespace: 'ops',
      ledgerNamespace: 'ledger',
      flannel: { endpoints: ['https://a:2379', 'https://b:2379'], caFile: '/ca', tlsSecret: 'etcd-client' },
      vault: { addr: 'https://vault:8200', token: 's.x' },
    });
    expect(parseConfig(['--flannel-etcd-endpoints', 'http://c:2379'], env)._unsafeUnwrap()).toMatchObject({
      namespace: 'ops',
      ledgerNamespace: 'ops',
      flannel: { endpoints: ['http://c:2379'] },
    });
  });

  it('refuses what cannot work', () => {
    const endpoints = ['--flannel-etcd-endpoints', 'https://a:2379'];
    expect(parseConfig([], {})._unsafeUnwrapErr()).toMatch(/FLANNEL_ETCD_ENDPOINTS/);
    expect(parseConfig([...endpoints, '--flannel-etcd-cert-file', '/c'], {})._unsafeUnwrapErr()).toMatch(/go together/);
    expect(parseConfig([...endpoints, '--flannel-etcd-cert-file', '/c', '--flannel-etcd-key-file', '/k'], {})._unsafeUnwrapErr()).toMatch(/needs the CA/);
    expect(parseConfig([...endpoints, '--with-pki'], { VAULT_ADDR: 'https://vault:8200' })._unsafeUnwrapErr()).toMatch(/VAULT_TOKEN/);
    expect(parseConfig(['--once'], {})._unsafeUnwrapErr()).toMatch(/--embedded/);
    expect(parseConfig(['--embedded', '--timeout', 'soon'], {})._unsafeUnwrapErr()).toMatch(/--timeout/);
    expect(parseConfig(['--bogus'], {})._unsafeUnwrapErr()).toMatch(/bogus/);
  });

  it('embedded mode needs nothing else', () => {
    expect(parseConfig(['--embedded', '--once', '--timeout', '30'], {})._unsafeUnwrap()).toEqual({
      mode: 'embedded',
      once: true,
      timeoutMs: 30_000,
      verbose: false,
    });
  });
});
