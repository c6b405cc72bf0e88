/** The guest Node watches against a fake API server as the guest, through the real client: what the cache keeps, and which changes queue the Cluster. */
import type { Persisted } from '@kubeception/sdk';
import { createKubeClient, NodeResource, type KubeClient, type Node } from '@kubeception/sdk/kube';
import { startFakeKube, type FakeKube } from '@kubeception/testing';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createGuestWatches, GUEST_NODE_VIEW, type ClusterRef } from './guest-watch.js';

const CLUSTER: ClusterRef = { name: 'alpha', namespace: 'default' };

/** A Node as a kubelet reports it: images, addresses, capacity, every condition with its heartbeat. */
function kubeletNode(name: string, ready: 'True' | 'False', heartbeat: string): Node {
  const condition = (type: string, status: string) => ({
    type,
    status,
    lastHeartbeatTime: heartbeat,
    lastTransitionTime: '2026-12-01T00:00:00Z',
    reason: `Kubelet${type}`,
    message: `kubelet ${type}`,
  });
  return {
    apiVersion: 'v1',
    kind: 'Node',
    metadata: {
      name,
      labels: { 'kubernetes.io/hostname': name, 'node-role.kubernetes.io/worker': '' },
      annotations: { 'flannel.alpha.coreos.com/public-ip': '10.0.0.2' },
    },
    spec: { podCIDR: '10.2.1.0/24' },
    status: {
      addresses: [{ type: 'InternalIP', address: '10.0.0.2' }],
      capacity: { cpu: '2', memory: '8Gi', pods: '110' },
      conditions: [condition('MemoryPressure', 'False'), condition('DiskPressure', 'False'), condition('Ready', ready)],
      images: Array.from({ length: 20 }, (_, i) => ({ names: [`registry.example.com/image-${i}@sha256:${'0'.repeat(64)}`], sizeBytes: 1000 * i })),
      nodeInfo: {
        kubeletVersion: 'v1.33.1',
        architecture: 'amd64',
        bootID: 'b',
        containerRuntimeVersion: 'containerd://2.0.0',
        kernelVersion: '6.1.0',
        kubeProxyVersion: 'v1.33.1',
        machineID: 'm',
        operatingSystem: 'linux',
        osImage: 'Flatcar',
        systemUUID: 'u',
      },
    },
  };
}

let guest: FakeKube;
let client: KubeClient;
let abort: AbortController;
beforeEach(async () => {
  guest = await startFakeKube();
  client = createKubeClient({ kubeConfig: guest.kubeConfig, qps: 0 });
  abort = new AbortController();
});
afterEach(async () => {
  abort.abort();
  await guest.stop();
});

/** Writes a Node and its status, as a kubelet does. */
async function report(node: Node): Promise<void> {
  const nodes = client.resource(NodeResource);
  const existing = await nodes.get(node.metadata?.name ?? '');
  if (existing.isErr()) (await nodes.create(node))._unsafeUnwrap();
  (await nodes.patchStatus(node.metadata?.name ?? '', { type: 'merge', body: { status: node.status } }))._unsafeUnwrap();
}

describe('GUEST_NODE_VIEW', () => {
  it("keeps a Node's name, object version, unschedulable, Ready condition and kubelet version, and nothing else", () => {
    const node = { ...kubeletNode('alpha-pool-0', 'True', '2026-12-06T00:00:00Z'), spec: { unschedulable: true } } as Persisted<Node>;
    const full = { ...node, metadata: { ...node.metadata, uid: 'u-1', resourceVersion: '7' } } as Persisted<Node>;
    expect(GUEST_NODE_VIEW.apply(full)).toEqual({
      apiVersion: 'v1',
      kind: 'Node',
      metadata: { name: 'alpha-pool-0', uid: 'u-1', resourceVersion: '7' },
      spec: { unschedulable: true },
      status: { conditions: [{ type: 'Ready', status: 'True' }], nodeInfo: { kubeletVersion: 'v1.33.1' } },
    });
    expect(JSON.stringify(GUEST_NODE_VIEW.apply(full)).length).toBeLessThan(JSON.stringify(full).length / 5);
  });
});

describe('createGuestWatches', () => {
  it("reads the guest's Nodes from its watch, and is told of a change of what it reads, not of a heartbeat", async () => {
    const told: ClusterRef[] = [];
    const watches = createGuestWatches();
    watches.start((cluster) => told.push(cluster), abort.signal);
    await report(kubeletNode('alpha-master-0', 'False', '2026-12-06T00:00:00Z'));
    expect(watches.nodes(CLUSTER, client, 'admin-1')).toMatchObject({ reachable: false });
    await expect.poll(() => watches.nodes(CLUSTER, client, 'admin-1')?.reachable, { timeout: 5_000 }).toBe(true);
    const view = watches.nodes(CLUSTER, client, 'admin-1');
    expect(view?.reachable === true ? [...view.nodes.values()] : []).toEqual([
      { name: 'alpha-master-0', ready: false, version: '1.33.1', unschedulable: false },
    ]);

    // a heartbeat (the conditions' times, one more image) changes nothing the driver reads
    const toldBefore = told.length;
    await report(kubeletNode('alpha-master-0', 'False', '2026-12-06T00:05:00Z'));
    // a new Node is news; one watch delivers in order, so once the cache shows it the heartbeat was heard
    await report(kubeletNode('alpha-pool-0', 'False', '2026-12-06T00:05:00Z'));
    const shows = (node: string) => {
      const now = watches.nodes(CLUSTER, client, 'admin-1');
      return now?.reachable === true && now.nodes.has(node);
    };
    await expect.poll(() => shows('alpha-pool-0'), { timeout: 5_000 }).toBe(true);
    expect(told.length).toBe(toldBefore + 1);

    await report(kubeletNode('alpha-master-0', 'True', '2026-12-06T00:06:00Z'));
    await expect.poll(() => told.length, { timeout: 5_000 }).toBe(toldBefore + 2);
    const ready = watches.nodes(CLUSTER, client, 'admin-1');
    expect(ready?.reachable === true ? ready.nodes.get('alpha-master-0')?.ready : undefined).toBe(true);
    expect(told.every((c) => c === CLUSTER)).toBe(true);
  });
});
