/**
 * The kvm-operator in host mode as a process of its own, against `kubeception-fakes
 * --flannel-etcd` (another process), as its image runs against a host cluster: the host's
 * KUBECONFIG, a real etcd for flannel, the PKI controllers on the fake Vault (`--with-pki`), and
 * every guest API server reached through one address (`--guest-api-dial`, the fakes' TLS
 * passthrough routing by server name, as a host's ingress controller does), each guest's
 * certificate verified for its Cluster's API domain. The sample KVM Cluster goes Ready, its guest
 * answers a user holding the admin certificate through the same address, and its deletion leaves
 * nothing behind.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { certificateSecretName, ClusterResource, clusterId, Component, type ClusterInput } from '@kubeception/sdk';
import { createKubeClient, kubeConfigFromCertificate, NamespaceResource, NodeResource, SecretResource, type KubeClient } from '@kubeception/sdk/kube';
import { systemTestGate } from '@kubeception/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { startFakesProcess, type FakesProcess } from '../process/fakes-process.js';
import { operatorProcess, type OperatorProcess } from '../process/operator-process.js';
import { killEveryGroup, REPO_ROOT } from '../process/process-group.js';

const sample = parse(readFileSync(join(REPO_ROOT, 'examples/samples/valid/cluster-kvm.yaml'), 'utf8')) as ClusterInput;
const { name, namespace } = sample.metadata as { name: string; namespace: string };
const domain = sample.spec.kubernetes.api.domain;

const gate = systemTestGate(['etcd']);

describe.skipIf(!gate.run)('the kvm-operator as a process of its own, against kubeception-fakes --flannel-etcd', () => {
  let fakes: FakesProcess;
  let operator: OperatorProcess;
  let kube: KubeClient;
  const phase = async () =>
    (await kube.resource(ClusterResource).get(name, { namespace })).match(
      (c) => c.status?.phase ?? 'Pending',
      (e) => e.kind,
    );

  beforeAll(async () => {
    fakes = await startFakesProcess({ args: ['--flannel-etcd', '--nodes', '3'] });
    const dial = fakes.environment.GUEST_API_DIAL;
    expect(dial).toMatch(/^127\.0\.0\.1:\d+$/);
    expect(fakes.environment.FLANNEL_ETCD_ENDPOINTS).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    operator = await operatorProcess({ operator: 'kvm-operator', fakes, args: ['--with-pki', `--guest-api-dial=${dial}`, '--log-level=info'] });
    await operator.start({ timeoutMs: 60_000 });
    kube = createKubeClient({ kubeConfig: fakes.kubeConfig, qps: 0 });
  }, 120_000);

  afterAll(async () => {
    await killEveryGroup();
    await fakes?.stop();
  });

  it('takes the sample Cluster to Ready, reading its guest through the passthrough with the admin certificate', async () => {
    (await kube.resource(ClusterResource).create(sample))._unsafeUnwrap();
    await expect.poll(phase, { timeout: 90_000, interval: 500 }).toBe('Ready');
    const cluster = (await kube.resource(ClusterResource).get(name, { namespace }))._unsafeUnwrap();
    expect(cluster.status?.endpoint).toEqual({ host: domain, port: 443 });
    expect(cluster.status?.nodes?.map((n) => n.role).sort()).toEqual(['master', 'worker', 'worker']);
    expect(operator.unexpectedExits()).toEqual([]);
  }, 120_000);

  it('lets a user with the admin certificate reach the guest at the same address, by the API domain', async () => {
    const admin = certificateSecretName({ spec: { clusterRef: { name }, component: Component.Admin } });
    const secret = (await kube.resource(SecretResource).get(admin, { namespace }))._unsafeUnwrap();
    const pem = (key: string) => Buffer.from(secret.data?.[key] ?? '', 'base64').toString('utf8');
    const kubeConfig = kubeConfigFromCertificate({
      server: `https://${fakes.environment.GUEST_API_DIAL}`,
      tlsServerName: domain,
      caPem: pem('ca.crt'),
      certPem: pem('tls.crt'),
      keyPem: pem('tls.key'),
      name,
    });
    const nodes = (await createKubeClient({ kubeConfig, qps: 0 }).resource(NodeResource).list())._unsafeUnwrap();
    expect(nodes.items.map((n) => n.status?.conditions?.find((c) => c.type === 'Ready')?.status)).toEqual(['True', 'True', 'True']);
    // a name no guest serves is refused before any TLS: there is nothing else behind that port
    const other = kubeConfigFromCertificate({ server: `https://${fakes.environment.GUEST_API_DIAL}`, tlsServerName: 'api.other.k8s.example.com', name });
    expect(
      (
        await createKubeClient({ kubeConfig: other, qps: 0, retry: { maxAttempts: 1 } })
          .resource(NodeResource)
          .list()
      ).isErr(),
    ).toBe(true);
  }, 30_000);

  it('deletes it with everything it had: the Cluster and its host namespace are gone', async () => {
    (await kube.resource(ClusterResource).delete(name, { namespace }))._unsafeUnwrap();
    await expect.poll(phase, { timeout: 60_000, interval: 500 }).toBe('NotFound');
    const hostNamespace = async () =>
      (await kube.resource(NamespaceResource).get(clusterId({ name, namespace }))).match(
        () => 'there',
        (e) => e.kind,
      );
    await expect.poll(hostNamespace, { timeout: 30_000, interval: 500 }).toBe('NotFound');
    expect(operator.unexpectedExits()).toEqual([]);
  }, 120_000);
});
