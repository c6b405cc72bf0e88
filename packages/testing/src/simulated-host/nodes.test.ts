import type { V1DaemonSet } from '@kubernetes/client-node';
import { afterEach, describe, expect, it } from 'vitest';
import { createSimulatedClock, type SimulatedClock } from './clock.js';
import { startSimulatedHost, type SimulatedHost } from './host.js';
import { clients, deployment, isRunningReady, podsOf, readyNodesOf, scheduledCondition } from './test-fixtures.js';

let host: SimulatedHost | undefined;
let clock: SimulatedClock;
afterEach(async () => {
  await host?.stop();
  host = undefined;
});
const start = async (nodes: number) => (host = await startSimulatedHost({ nodes, clock: (clock = createSimulatedClock()) }));

const daemonSet: V1DaemonSet = {
  metadata: { name: 'agent' },
  spec: {
    selector: { matchLabels: { app: 'agent' } },
    template: { metadata: { labels: { app: 'agent' } }, spec: { containers: [{ name: 'agent', image: 'agent:1' }] } },
  },
};

describe('nodes', () => {
  it('a DaemonSet runs one pod per node and follows nodes being added and removed', async () => {
    const h = await start(2);
    await clients(h).apps.createNamespacedDaemonSet({ namespace: 'default', body: daemonSet });
    await h.settle();
    expect(await readyNodesOf(h, 'agent')).toEqual(['node-1', 'node-2']);
    expect((await h.nodes.add()).isOk()).toBe(true);
    await h.settle();
    expect(await readyNodesOf(h, 'agent')).toEqual(['node-1', 'node-2', 'node-3']);
    const ds = await clients(h).apps.readNamespacedDaemonSet({ namespace: 'default', name: 'agent' });
    expect(ds.status).toMatchObject({ desiredNumberScheduled: 3, currentNumberScheduled: 3, numberReady: 3, numberAvailable: 3, updatedNumberScheduled: 3 });

    expect((await h.nodes.remove('node-1')).isOk()).toBe(true);
    await h.settle();
    expect((await clients(h).apps.readNamespacedDaemonSet({ namespace: 'default', name: 'agent' })).status?.desiredNumberScheduled).toBe(2);
    await clock.advance(40_000); // pod GC of pods bound to a removed node
    await h.settle();
    expect((await podsOf(h, 'agent')).map((p) => p.spec?.nodeName).sort()).toEqual(['node-2', 'node-3']);
  });

  it('cordon + delete pod: the replacement is scheduled on another node; the cordoned node is reported', async () => {
    const h = await start(2);
    await clients(h).apps.createNamespacedDeployment({ namespace: 'default', body: deployment('web', 1) });
    await h.settle();
    const [first] = await podsOf(h, 'web');
    const from = first?.spec?.nodeName as string;
    expect((await h.nodes.cordon(from)).isOk()).toBe(true);
    await clients(h).core.deleteNamespacedPod({ namespace: 'default', name: first?.metadata?.name as string });
    await h.settle();
    const live = (await podsOf(h, 'web')).filter((p) => p.metadata?.deletionTimestamp === undefined);
    expect(live).toHaveLength(1);
    expect(live[0]?.spec?.nodeName).not.toBe(from);
    expect(isRunningReady(live[0]!)).toBe(true);

    expect((await h.nodes.cordon(live[0]?.spec?.nodeName as string)).isOk()).toBe(true);
    await clients(h).apps.patchNamespacedDeployment({ namespace: 'default', name: 'web', body: [{ op: 'replace', path: '/spec/replicas', value: 2 }] });
    await h.settle();
    const pending = (await podsOf(h, 'web')).filter((p) => p.status?.phase === 'Pending');
    expect(pending).toHaveLength(1);
    expect(scheduledCondition(pending[0]!)?.message).toMatch(/^0\/2 nodes are available: 2 node\(s\) were unschedulable\. preemption: /);
  });

  it('a NotReady node: its pods turn not Ready, and are evicted after the timeout and replaced elsewhere', async () => {
    const h = await start(3);
    await clients(h).apps.createNamespacedDeployment({ namespace: 'default', body: deployment('web', 3) });
    await h.settle();
    const victim = (await podsOf(h, 'web')).find((p) => p.spec?.nodeName === 'node-1');
    expect(victim).toBeDefined();
    expect((await h.nodes.setReady('node-1', false)).isOk()).toBe(true);
    await h.settle();
    const notReady = (await podsOf(h, 'web')).find((p) => p.metadata?.name === victim?.metadata?.name);
    expect(notReady?.status?.phase).toBe('Running');
    expect(isRunningReady(notReady!)).toBe(false);
    await clock.advance(299_000);
    await h.settle();
    expect((await podsOf(h, 'web')).find((p) => p.metadata?.name === victim?.metadata?.name)?.metadata?.deletionTimestamp).toBeUndefined();
    await clock.advance(1_000); // 300 s: the default toleration of not-ready runs out
    await h.settle();
    const pods = await podsOf(h, 'web');
    expect(pods.find((p) => p.metadata?.name === victim?.metadata?.name)?.metadata?.deletionTimestamp).toBeDefined();
    const live = pods.filter((p) => p.metadata?.deletionTimestamp === undefined);
    expect(live.filter(isRunningReady)).toHaveLength(3);
    expect(live.every((p) => p.spec?.nodeName !== 'node-1')).toBe(true);
    await clock.advance(30_000);
    await h.settle();
    expect((await podsOf(h, 'web')).some((p) => p.metadata?.name === victim?.metadata?.name)).toBe(false);
  });

  it('requests exceeding allocatable leave the pod Pending with Insufficient reasons', async () => {
    host = await startSimulatedHost({
      nodes: [{ cpu: '2', memory: '4Gi' }, { cpu: '4', memory: '2Gi' }, { roles: ['control-plane'] }],
      clock: createSimulatedClock(),
    });
    const resources = { requests: { cpu: '3', memory: '3Gi' } };
    await clients(host).apps.createNamespacedDeployment({ namespace: 'default', body: deployment('big', 1, { resources }) });
    await host.settle();
    const [pod] = await podsOf(host, 'big');
    expect(pod?.status?.phase).toBe('Pending');
    expect(scheduledCondition(pod!)).toMatchObject({
      status: 'False',
      reason: 'Unschedulable',
      message:
        '0/3 nodes are available: 1 Insufficient cpu, 1 Insufficient memory, 1 node(s) had untolerated taint {node-role.kubernetes.io/control-plane: }. preemption: 0/3 nodes are available: 1 Preemption is not helpful for scheduling, 2 No preemption victims found for incoming pod.',
    });
    // A node that fits: the pod is scheduled there.
    expect((await host.nodes.add({ name: 'big-node', cpu: '16', memory: '64Gi' })).isOk()).toBe(true);
    await host.settle();
    const [placed] = await podsOf(host, 'big');
    expect(placed?.spec?.nodeName).toBe('big-node');
    expect(isRunningReady(placed!)).toBe(true);
  });
});
