import { BatchV1Api, type V1Endpoints } from '@kubernetes/client-node';
import { afterEach, describe, expect, it } from 'vitest';
import { createSimulatedClock } from './clock.js';
import { startSimulatedHost, type SimulatedHost } from './host.js';
import { clients, deployment, podsOf } from './test-fixtures.js';

let host: SimulatedHost | undefined;
afterEach(async () => {
  await host?.stop();
  host = undefined;
});

const addresses = (ep: V1Endpoints) => ({
  ready: (ep.subsets ?? [])
    .flatMap((s) => s.addresses ?? [])
    .map((a) => a.targetRef?.name)
    .sort(),
  notReady: (ep.subsets ?? [])
    .flatMap((s) => s.notReadyAddresses ?? [])
    .map((a) => a.targetRef?.name)
    .sort(),
});

describe('workloads', () => {
  it('Endpoints track the readiness of the Service’s pods', async () => {
    host = await startSimulatedHost({ nodes: 2, clock: createSimulatedClock() });
    const { core, apps } = clients(host);
    await apps.createNamespacedDeployment({ namespace: 'default', body: deployment('web', 2) });
    await core.createNamespacedService({
      namespace: 'default',
      body: { metadata: { name: 'web' }, spec: { selector: { app: 'web' }, ports: [{ name: 'http', port: 80, targetPort: 8080 }] } },
    });
    await host.settle();
    const pods = (await podsOf(host, 'web')).map((p) => p.metadata?.name as string).sort();
    const ep = await core.readNamespacedEndpoints({ namespace: 'default', name: 'web' });
    expect(addresses(ep)).toEqual({ ready: pods, notReady: [] });
    expect(ep.subsets?.[0]?.ports).toEqual([{ name: 'http', port: 8080, protocol: 'TCP' }]);
    expect(ep.subsets?.[0]?.addresses?.every((a) => /^10\.244\.\d+\.\d+$/.test(a.ip))).toBe(true);

    host.kubelet.unready('default', pods[0] as string);
    await host.settle();
    expect(addresses(await core.readNamespacedEndpoints({ namespace: 'default', name: 'web' }))).toEqual({ ready: [pods[1]], notReady: [pods[0]] });
    host.kubelet.recover('default', pods[0] as string);
    await host.settle();
    expect(addresses(await core.readNamespacedEndpoints({ namespace: 'default', name: 'web' }))).toEqual({ ready: pods, notReady: [] });
  });

  it('the kubelet: crash loops with back-off, restarts on image change, fails pods, deletes gracefully', async () => {
    const clock = createSimulatedClock();
    host = await startSimulatedHost({ nodes: 1, clock, kubelet: { startDelayMs: 5_000 } });
    const { core } = clients(host);
    await core.createNamespacedPod({
      namespace: 'default',
      body: { metadata: { name: 'p', labels: { app: 'p' } }, spec: { terminationGracePeriodSeconds: 10, containers: [{ name: 'c', image: 'img:1' }] } },
    });
    await host.settle();
    const starting = await core.readNamespacedPod({ namespace: 'default', name: 'p' });
    expect(starting.status?.phase).toBe('Pending');
    expect(starting.status?.containerStatuses?.[0]?.state?.waiting?.reason).toBe('ContainerCreating');
    await clock.advance(5_000);
    await host.settle();
    const running = await core.readNamespacedPod({ namespace: 'default', name: 'p' });
    expect(running.status).toMatchObject({ phase: 'Running', podIP: '10.244.0.2', hostIP: '172.18.0.2' });

    await core.patchNamespacedPod({ namespace: 'default', name: 'p', body: [{ op: 'replace', path: '/spec/containers/0/image', value: 'img:2' }] });
    await host.settle();
    expect((await core.readNamespacedPod({ namespace: 'default', name: 'p' })).status?.containerStatuses?.[0]).toMatchObject({
      image: 'img:2',
      restartCount: 1,
      ready: true,
    });

    host.kubelet.crashLoop('default', 'p');
    await host.settle();
    await clock.advance(10_000);
    await host.settle();
    const crashing = (await core.readNamespacedPod({ namespace: 'default', name: 'p' })).status?.containerStatuses?.[0];
    expect(crashing).toMatchObject({
      restartCount: 3,
      ready: false,
      state: { waiting: { reason: 'CrashLoopBackOff' } },
      lastState: { terminated: { exitCode: 1, reason: 'Error' } },
    });

    host.kubelet.fail('default', 'p', { exitCode: 137, reason: 'OOMKilled' });
    await host.settle();
    const failed = await core.readNamespacedPod({ namespace: 'default', name: 'p' });
    expect(failed.status?.phase).toBe('Failed');
    expect(failed.status?.containerStatuses?.[0]?.state?.terminated).toMatchObject({ exitCode: 137, reason: 'OOMKilled' });

    await core.createNamespacedPod({
      namespace: 'default',
      body: { metadata: { name: 'q' }, spec: { terminationGracePeriodSeconds: 10, containers: [{ name: 'c', image: 'img:1' }] } },
    });
    await host.settle();
    await clock.advance(5_000);
    await host.settle();
    await core.deleteNamespacedPod({ namespace: 'default', name: 'q' });
    await host.settle();
    await clock.advance(9_000);
    await host.settle();
    expect((await core.readNamespacedPod({ namespace: 'default', name: 'q' })).metadata?.deletionGracePeriodSeconds).toBe(10);
    await clock.advance(1_000);
    await host.settle();
    expect((await core.listNamespacedPod({ namespace: 'default', fieldSelector: 'metadata.name=q' })).items).toHaveLength(0);
  });

  it('a Job runs its pods to completion', async () => {
    host = await startSimulatedHost({ nodes: 2, clock: createSimulatedClock() });
    const batch = host.kubeConfig.makeApiClient(BatchV1Api);
    await batch.createNamespacedJob({
      namespace: 'default',
      body: {
        metadata: { name: 'migrate' },
        spec: { completions: 3, parallelism: 2, template: { spec: { restartPolicy: 'Never', containers: [{ name: 'm', image: 'migrate:1' }] } } },
      },
    });
    await host.settle();
    const job = await batch.readNamespacedJob({ namespace: 'default', name: 'migrate' });
    expect(job.status).toMatchObject({ succeeded: 3, active: 0, failed: 0 });
    expect(job.status?.conditions?.find((c) => c.type === 'Complete')?.status).toBe('True');
    const pods = (await clients(host).core.listNamespacedPod({ namespace: 'default', labelSelector: 'job-name=migrate' })).items;
    expect(pods.map((p) => p.status?.phase)).toEqual(['Succeeded', 'Succeeded', 'Succeeded']);
  });
});
