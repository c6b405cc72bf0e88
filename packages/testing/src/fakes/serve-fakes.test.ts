import { createServer, type Server } from 'node:net';
import { describe, expect, it, onTestFinished } from 'vitest';
import { FakesErrorKind } from './fakes-error.js';
import { serveFakes } from './serve-fakes.js';

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
});
