/**
 * The KVM driver's production guest connector (`adminCertificateConnector`) against a guest API
 * server that authenticates by client certificate: it dials with the admin certificate, trusts
 * the cluster's CA, keeps one client per certificate and follows a re-issued one.
 */
import { adminCertificateConnector, guestNodes, type GuestTarget } from '@kubeception/driver-kvm';
import { SecretValue } from '@kubeception/sdk';
import { NodeResource } from '@kubeception/sdk/kube';
import { generateServerCertificates, startFakeKube, type FakeKube } from '@kubeception/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

let guest: FakeKube;
beforeAll(async () => {
  guest = await startFakeKube({ tls: true, clientCertificates: true });
  const nodes = guest.localClient().resource(NodeResource);
  for (const name of ['demo-master-0', 'demo-worker-0']) (await nodes.create({ apiVersion: 'v1', kind: 'Node', metadata: { name } }))._unsafeUnwrap();
});
afterAll(() => guest.stop());

async function target(commonName?: string): Promise<GuestTarget> {
  const { port, hostname } = new URL(guest.url);
  const base = { name: 'demo', namespace: 'default', endpoint: { host: hostname, port: Number(port) } };
  if (commonName === undefined) return base;
  const cert = await guest.issueClientCertificate(commonName, ['system:masters']);
  return { ...base, admin: { certPem: cert.certificate, keyPem: new SecretValue(cert.privateKey), caPem: guest.caCertificate! } };
}

describe('adminCertificateConnector', () => {
  it('has nothing to dial with before the admin certificate is issued', async () => {
    expect(adminCertificateConnector()(await target())).toBeUndefined();
  });

  it('reads the guest as the admin certificate’s user, one client per certificate, a new one for a re-issued certificate', async () => {
    const connect = adminCertificateConnector();
    const first = await target('admin');
    const client = connect(first)!;
    guest.requests.clear();
    expect(
      (await guestNodes(client))
        ._unsafeUnwrap()
        .map((n) => n.name)
        .sort(),
    ).toEqual(['demo-master-0', 'demo-worker-0']);
    expect(connect({ ...first })).toBe(client);

    const renewed = await target('admin-renewed');
    const next = connect(renewed)!;
    expect(next).not.toBe(client);
    (await guestNodes(next))._unsafeUnwrap();
    expect(guest.requests.filter({ verb: 'list', resource: 'nodes' }).map((r) => [r.user, r.code])).toEqual([
      ['admin', 200],
      ['admin-renewed', 200],
    ]);
  });

  it('refuses a guest whose serving certificate the cluster CA did not sign', async () => {
    const impostor = await startFakeKube({ tls: true, clientCertificates: true });
    try {
      const real = await target('admin');
      const { port } = new URL(impostor.url);
      const result = await guestNodes(adminCertificateConnector()({ ...real, endpoint: { host: '127.0.0.1', port: Number(port) } })!);
      expect(result.isErr()).toBe(true);
      expect(impostor.requests.count()).toBe(0);
    } finally {
      await impostor.stop();
    }
  });

  it('dials another address with dial, still verifying the guest’s certificate for the API domain', async () => {
    // a guest serving a certificate for its API domain only, as a guest's kube-apiserver does
    const domain = 'api.tls-demo.k8s.example.com';
    const pki = await generateServerCertificates({ ip: [], dns: [domain] });
    const served = await startFakeKube({
      tls: { certificate: pki.certificate, privateKey: pki.privateKey, caCertificate: pki.caCertificate },
      clientCertificates: true,
    });
    try {
      const cert = await pki.issueClientCertificate('admin', ['system:masters']);
      const { port } = new URL(served.url);
      const admin = { certPem: cert.certificate, keyPem: new SecretValue(cert.privateKey), caPem: pki.caCertificate };
      const at = (host: string) => ({ name: 'tls-demo', namespace: 'default', endpoint: { host, port: 443 }, admin });
      const dial = () => ({ host: '127.0.0.1', port: Number(port) });
      (
        await served
          .localClient()
          .resource(NodeResource)
          .create({ apiVersion: 'v1', kind: 'Node', metadata: { name: 'tls-demo-master-0' } })
      )._unsafeUnwrap();

      const nodes = await guestNodes(adminCertificateConnector({ dial })(at(domain))!);
      expect(nodes._unsafeUnwrap().map((n) => n.name)).toEqual(['tls-demo-master-0']);
      expect(served.requests.filter({ verb: 'list', resource: 'nodes' }).map((r) => r.user)).toEqual(['admin']);
      // a certificate for another name is refused, as it would be at the endpoint itself
      expect((await guestNodes(adminCertificateConnector({ dial })(at('api.other.k8s.example.com'))!)).isErr()).toBe(true);
      expect(served.requests.count({ verb: 'list', resource: 'nodes' })).toBe(1);
    } finally {
      await served.stop();
    }
  });
});
