import { request } from 'node:https';
import { createServer, type Server } from 'node:net';
import { certificateSecretName, Component, Label } from '@kubeception/sdk';
import { NamespaceResource, PodResource, SecretResource } from '@kubeception/sdk/kube';
import { describe, expect, it, onTestFinished, vi } from 'vitest';
import { generateServerCertificates, type ClientCertificate } from '../fake-kube/server-certificates.js';
import { systemTestGate } from '../system/tools.js';
import { FakesErrorKind } from './fakes-error.js';
import { serveFakes, type RunningFakes } from './serve-fakes.js';

/** The first VM pod of guest cluster `cluster` (host namespace), and its `api` certificate Secret for `domain` as the driver copies it there. */
async function startGuest(fakes: RunningFakes, cluster: string, domain: string) {
  const pki = await generateServerCertificates({ ip: [], dns: [domain, 'kubernetes.default'] });
  const kube = fakes.host.kube.localClient();
  const labels = { [Label.Cluster]: cluster };
  (await kube.resource(NamespaceResource).create({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: cluster } }))._unsafeUnwrap();
  const data = Object.fromEntries(
    Object.entries({ 'tls.crt': pki.certificate, 'tls.key': pki.privateKey, 'ca.crt': pki.caCertificate }).map(([k, v]) => [k, btoa(v)]),
  );
  const name = certificateSecretName({ spec: { clusterRef: { name: cluster }, component: Component.Api } });
  (await kube.resource(SecretResource).create({ apiVersion: 'v1', kind: 'Secret', metadata: { name, namespace: cluster, labels }, data }))._unsafeUnwrap();
  const vm = {
    name: `${cluster}-master-0`,
    namespace: cluster,
    labels: { ...labels, [Label.Node]: `${cluster}-master-0`, 'app.kubernetes.io/component': 'vm' },
  };
  (
    await kube.resource(PodResource).create({ apiVersion: 'v1', kind: 'Pod', metadata: vm, spec: { containers: [{ name: 'vm', image: 'vm' }] } })
  )._unsafeUnwrap();
  await vi.waitFor(() => expect(fakes.vms?.guestAddressByServerName(domain)).toBeDefined(), { timeout: 10_000 });
  return pki;
}

/** `GET <path>` of the server named `servername` through `port`, as `client`, trusting `ca`: the status code, or the error's code. */
function get(port: number, servername: string, ca: string, client: ClientCertificate, path = '/api/v1/nodes'): Promise<number | string> {
  return new Promise((resolve) => {
    const options = { host: '127.0.0.1', port, servername, path, ca, cert: client.certificate, key: client.privateKey };
    request(options, (response) => (response.resume(), resolve(response.statusCode ?? 0)))
      .on('error', (error: NodeJS.ErrnoException) => resolve(error.code ?? error.message))
      .end();
  });
}

/** A server holding a free 127.0.0.1 port. */
async function holdPort(): Promise<{ server: Server; port: number }> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  onTestFinished(() => new Promise<void>((resolve) => server.close(() => resolve())));
  return { server, port: (server.address() as { port: number }).port };
}

describe('serveFakes', () => {
  it('a port in use is a PortInUse error, and what had started is stopped: its port is free again', async () => {
    const free = await holdPort();
    await new Promise<void>((resolve) => free.server.close(() => resolve()));
    const taken = await holdPort();
    const error = (await serveFakes({ kubePort: free.port, ec2Port: taken.port, nodes: 0, vms: false }))._unsafeUnwrapErr();
    expect(error).toMatchObject({ kind: FakesErrorKind.PortInUse, service: 'ec2', port: taken.port });
    // the host's API server had started on the free port: it is closed again
    const again = createServer();
    await new Promise<void>((resolve, reject) => again.once('error', reject).listen(free.port, '127.0.0.1', resolve));
    await new Promise<void>((resolve) => again.close(() => resolve()));
  });

  it('gives an operator its environment, KUBECONFIG where the caller wrote the kubeconfig', async () => {
    const fakes = (await serveFakes({ nodes: 0, vms: false, crds: false, operatorNamespace: 'ops' }))._unsafeUnwrap();
    onTestFinished(() => fakes.stop());
    expect(fakes.environment('/run/kubeconfig')).toMatchObject({
      KUBECONFIG: '/run/kubeconfig',
      POD_NAMESPACE: 'ops',
      VAULT_ADDR: fakes.urls.vault,
      VAULT_TOKEN: fakes.vault.rootToken,
      AWS_ENDPOINT_URL_EC2: fakes.urls.ec2,
    });
    expect(fakes.urls.kube).toBe(fakes.host.kube.url);
    expect(fakes.vms).toBeUndefined();
  });

  it('serves HTTPS guests behind one TLS passthrough port, routed by the server name to the guest whose api certificate is for it', async () => {
    const fakes = (await serveFakes({ nodes: 1 }))._unsafeUnwrap();
    onTestFinished(() => fakes.stop());
    const port = fakes.guestApi!.port;
    expect(fakes.urls.guestApi).toBe(`https://127.0.0.1:${port}`);
    expect(fakes.environment('/run/kubeconfig')).toMatchObject({ GUEST_API_DIAL: `127.0.0.1:${port}` });
    expect(fakes.environment('/run/kubeconfig')).not.toHaveProperty('FLANNEL_ETCD_ENDPOINTS');
    const [a, b] = [await startGuest(fakes, 'guest-a', 'api.a.k8s.example.com'), await startGuest(fakes, 'guest-b', 'api.b.k8s.example.com')];
    const [adminA, adminB] = [await a.issueClientCertificate('admin', ['system:masters']), await b.issueClientCertificate('admin', ['system:masters'])];
    expect(await get(port, 'api.a.k8s.example.com', a.caCertificate, adminA)).toBe(200);
    expect(await get(port, 'api.b.k8s.example.com', b.caCertificate, adminB)).toBe(200);
    // each guest checks client certificates against its own CA: a's admin is nobody on b
    expect(await get(port, 'api.b.k8s.example.com', b.caCertificate, adminA)).toBe(401);
    expect(
      fakes.vms
        ?.guest('guest-a')
        ?.requests.filter({ resource: 'nodes' })
        .map((r) => r.user),
    ).toEqual(['admin']);
    // a name no guest serves, and one both serve, are closed before any TLS
    expect(await get(port, 'api.c.k8s.example.com', a.caCertificate, adminA)).toBe('ECONNRESET');
    expect(await get(port, 'kubernetes.default', a.caCertificate, adminA)).toBe('ECONNRESET');
  }, 30_000);

  it('a flannel etcd that cannot start is a StartFailed error, and what had started is stopped', async () => {
    const error = (await serveFakes({ nodes: 0, flannelEtcd: { program: '/nonexistent/etcd', readyTimeoutMs: 2_000 } }))._unsafeUnwrapErr();
    expect(error).toMatchObject({ kind: FakesErrorKind.StartFailed, service: 'flannelEtcd', message: expect.stringMatching(/ENOENT/) });
    expect((error as { cause: unknown }).cause).toBeInstanceOf(Error);
  });

  const etcd = systemTestGate(['etcd']);
  it.skipIf(!etcd.run)(
    'with flannelEtcd: a real etcd in the environment (FLANNEL_ETCD_ENDPOINTS), stopped with the fakes',
    async () => {
      const fakes = (await serveFakes({ nodes: 0, vms: false, flannelEtcd: true }))._unsafeUnwrap();
      const url = fakes.urls.flannelEtcd!;
      expect(url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
      expect(fakes.environment('/run/kubeconfig')).toMatchObject({ FLANNEL_ETCD_ENDPOINTS: url });
      expect(fakes.environment('/run/kubeconfig')).not.toHaveProperty('GUEST_API_DIAL');
      expect(await (await fetch(`${url}/health`)).json()).toMatchObject({ health: 'true' });
      await fakes.stop();
      await expect(fetch(`${url}/health`)).rejects.toThrow();
    },
    30_000,
  );
});
