import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { parseConfig, USAGE } from './config.js';

/** What production runs with when no flag says otherwise. */
const SETTINGS = { logLevel: 'info', metrics: { host: '0.0.0.0', port: 8080 }, healthProbes: { host: '0.0.0.0', port: 8081 }, leaderElection: true };

/** The command run as its image runs it, from this package's folder. */
const cli = (...args: string[]) =>
  spawnSync(process.execPath, ['--conditions=@kubeception/source', '--import', 'tsx', 'src/main.ts', ...args], {
    cwd: fileURLToPath(new URL('..', import.meta.url)),
    encoding: 'utf8',
  });

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
      settings: SETTINGS,
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
    expect(parseConfig(['--embedded', '--log-level=loud'], {})._unsafeUnwrapErr()).toMatch(/--log-level/);
  });

  it('embedded mode needs nothing else', () => {
    expect(parseConfig(['--embedded', '--once', '--timeout', '30'], {})._unsafeUnwrap()).toEqual({
      mode: 'embedded',
      once: true,
      timeoutMs: 30_000,
      settings: SETTINGS,
    });
  });

  it('--guest-api-dial / $GUEST_API_DIAL: every guest dialled at one host:port, the flag first', () => {
    const endpoints = { FLANNEL_ETCD_ENDPOINTS: 'http://a:2379' };
    expect(parseConfig(['--guest-api-dial', 'ingress.example.com:443'], endpoints)._unsafeUnwrap()).toMatchObject({
      guestApiDial: { host: 'ingress.example.com', port: 443 },
    });
    const env = { ...endpoints, GUEST_API_DIAL: '127.0.0.1:40443' };
    expect(parseConfig([], env)._unsafeUnwrap()).toMatchObject({ guestApiDial: { host: '127.0.0.1', port: 40443 } });
    expect(parseConfig(['--guest-api-dial=[::1]:8443'], env)._unsafeUnwrap()).toMatchObject({ guestApiDial: { host: '::1', port: 8443 } });
    expect(parseConfig([], endpoints)._unsafeUnwrap()).not.toHaveProperty('guestApiDial');
    expect(parseConfig([], { ...endpoints, GUEST_API_DIAL: '' })._unsafeUnwrap()).not.toHaveProperty('guestApiDial');
    expect(USAGE).toMatch(/--guest-api-dial <host:port> +dial every guest's API server[^]*\[\$GUEST_API_DIAL\]/);
  });

  it.each(['443', ':443', 'ingress:0', 'ingress:65536', 'ingress', 'https://ingress:443', 'ingress:443/x', 'a b:443', '[::1:443', 'user@ingress:443'])(
    '--guest-api-dial %j is refused',
    (value) => {
      expect(parseConfig(['--flannel-etcd-endpoints', 'http://a:2379', `--guest-api-dial=${value}`], {})._unsafeUnwrapErr()).toBe(
        `--guest-api-dial must be host:port (or [v6]:port) with a port from 1 to 65535, not ${JSON.stringify(value)}`,
      );
    },
  );

  it('--help prints every flag and variable and exits 0; a bad flag exits 2 with the message and the usage', () => {
    expect(cli('--help')).toMatchObject({ status: 0, stdout: `${USAGE}\n` });
    expect(cli('--verbosity=9')).toMatchObject({ status: 2, stdout: expect.stringMatching(/verbosity[^]*Usage: kvm-operator/) });
  }, 30_000);

  it('accepts the flags and environment of its Deployment: --with-pki, logs at info, /metrics on :8080, the probes on :8081', () => {
    const manifest = readFileSync(new URL('../deploy/base/deployment.yaml', import.meta.url), 'utf8');
    const [container] = (parse(manifest) as { spec: { template: { spec: { containers: { args: string[]; env: { name: string; value?: string }[] }[] } } } })
      .spec.template.spec.containers;
    const env = Object.fromEntries(container!.env.map((e) => [e.name, e.value ?? 'https://from-a-reference:2379']));
    expect(parseConfig(container!.args, env)._unsafeUnwrap()).toMatchObject({
      mode: 'host',
      settings: SETTINGS,
      vault: { addr: 'https://vault.example.com:8200' },
    });
    expect(manifest).toMatch(/name: health, containerPort: 8081[^]*path: \/readyz, port: health[^]*path: \/livez, port: health/);
  });
});
