import { afterEach, describe, expect, it } from 'vitest';
import { createSimulatedClock } from './clock.js';
import { startSimulatedHost, type SimulatedHost } from './host.js';
import { clients, deployment, isRunningReady, onePerNode, podsOf, readyNodesOf, scheduledCondition } from './test-fixtures.js';

let host: SimulatedHost | undefined;
afterEach(async () => {
  await host?.stop();
  host = undefined;
});

describe('Deployment with required anti-affinity', () => {
  it('runs 2 of 3 replicas on 2 nodes, leaves the third Pending with the scheduler reason, and places it on a new node', async () => {
    host = await startSimulatedHost({ nodes: 2, clock: createSimulatedClock() });
    const { apps } = clients(host);
    await apps.createNamespacedDeployment({ namespace: 'default', body: deployment('vm', 3, { affinity: onePerNode('vm') }) });
    await host.settle();
    const pods = await podsOf(host, 'vm');
    expect(pods).toHaveLength(3);
    expect(pods.filter(isRunningReady)).toHaveLength(2);
    expect(new Set(pods.filter(isRunningReady).map((p) => p.spec?.nodeName))).toEqual(new Set(['node-1', 'node-2']));
    const pending = pods.filter((p) => p.status?.phase === 'Pending');
    expect(pending).toHaveLength(1);
    expect(scheduledCondition(pending[0]!)).toMatchObject({
      status: 'False',
      reason: 'Unschedulable',
      message:
        "0/2 nodes are available: 2 node(s) didn't match pod anti-affinity rules. preemption: 0/2 nodes are available: 2 No preemption victims found for incoming pod.",
    });
    const d = await apps.readNamespacedDeployment({ namespace: 'default', name: 'vm' });
    expect(d.status).toMatchObject({ replicas: 3, availableReplicas: 2, unavailableReplicas: 1, observedGeneration: 1 });

    (await host.nodes.add()).match(
      (node) => expect(node.metadata.name).toBe('node-3'),
      (error) => expect.fail(error.message),
    );
    await host.settle();
    expect(await readyNodesOf(host, 'vm')).toEqual(['node-1', 'node-2', 'node-3']);
    const done = await apps.readNamespacedDeployment({ namespace: 'default', name: 'vm' });
    expect(done.status).toMatchObject({ replicas: 3, readyReplicas: 3, availableReplicas: 3, updatedReplicas: 3 });
    expect(done.status?.conditions?.find((c) => c.type === 'Available')?.status).toBe('True');
    expect(done.status?.conditions?.find((c) => c.type === 'Progressing')?.reason).toBe('NewReplicaSetAvailable');
  });
});
