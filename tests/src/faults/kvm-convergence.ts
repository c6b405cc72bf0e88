/** What a converged KVM Cluster looks like after a fault lane: Ready, and nothing made twice (internal). */
import { CertificateAuthorityResource, CertificateResource } from '@kubeception/sdk';
import { DeploymentResource, NamespaceResource, NodeResource, SecretResource } from '@kubeception/sdk/kube';
import { expect } from 'vitest';
import { hostNamespace, KVM_OPERATOR_AGENT, type KvmWorld } from '../kvm/kvm-world.js';

/** The User-Agent of the world's only replica: its requests in the host's request log. */
export const KVM_OPERATOR = `${KVM_OPERATOR_AGENT}/0`;

/** Whether the Cluster `default/name` is Ready at its current generation. */
async function ready(world: KvmWorld, name: string): Promise<boolean> {
  const cluster = await world.clusters().get(name, { namespace: 'default' });
  return cluster.match(
    (c) => c.status?.phase === 'Ready' && c.status.observedGeneration === c.metadata.generation,
    () => false,
  );
}

/** How many of each kind the Cluster `default/name` has: host Deployments, guest Nodes, CertificateAuthorities, Certificates. */
async function inventory(world: KvmWorld, name: string) {
  const host = hostNamespace(name);
  const count = <T>(list: { isOk(): boolean; _unsafeUnwrap(): { items: readonly T[] } } | undefined) => (list?.isOk() ? list._unsafeUnwrap().items.length : -1);
  const label = { namespace: 'default', labelSelector: `kubeception.io/cluster=${name}` };
  return {
    deployments: count(await world.kube.resource(DeploymentResource).list({ namespace: host })),
    guestNodes: count(await world.vms.guest(host)?.localClient().resource(NodeResource).list()),
    authorities: count(await world.kube.resource(CertificateAuthorityResource).list(label)),
    certificates: count(await world.kube.resource(CertificateResource).list(label)),
  };
}

/** Waits until the Cluster `default/name` (1 master, `workers` workers) is Ready at its generation, then checks nothing was made twice. */
export async function expectKvmConverged(world: KvmWorld, name: string, timeoutMs = 60_000, workers = 1): Promise<void> {
  await expect.poll(() => ready(world, name), { timeout: timeoutMs, interval: 100 }).toBe(true);
  // a VM Deployment and a guest Node per node, once Ready (not polled: a duplicate removed later would pass a poll)
  expect(await inventory(world, name)).toEqual({ deployments: 1 + workers, guestNodes: 1 + workers, authorities: 1, certificates: 7 });
}

/** Waits until the operator has begun provisioning the Cluster `default/name`: its host namespace exists. */
export async function provisioning(world: KvmWorld, name: string): Promise<void> {
  const namespaces = world.kube.resource(NamespaceResource);
  await expect.poll(async () => (await namespaces.get(hostNamespace(name))).isOk(), { timeout: 10_000, interval: 20 }).toBe(true);
}

/** Waits until the Cluster `default/name` is gone with its host namespace, its PKI and its guest kubeconfig Secret (garbage-collected a moment after it). */
export async function expectKvmGone(world: KvmWorld, name: string, timeoutMs = 60_000): Promise<void> {
  const label = { namespace: 'default', labelSelector: `kubeception.io/cluster=${name}` };
  const gone = async () => ({
    cluster: (await world.clusters().get(name, { namespace: 'default' })).isErr(),
    hostNamespace: (await world.kube.resource(NamespaceResource).get(hostNamespace(name))).isErr(),
    kubeconfig: (await world.kube.resource(SecretResource).get(`${name}-kubeconfig`, { namespace: 'default' })).isErr(),
    certificates: (await world.kube.resource(CertificateResource).list(label)).map((l) => l.items.length === 0).unwrapOr(false),
  });
  await expect.poll(gone, { timeout: timeoutMs, interval: 100 }).toEqual({ cluster: true, hostNamespace: true, kubeconfig: true, certificates: true });
}
