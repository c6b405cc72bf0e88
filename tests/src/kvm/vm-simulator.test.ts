/* eslint-disable @typescript-eslint/no-explicit-any -- test objects are plain wire JSON */
import { createClusterModel, Label } from '@kubeception/sdk';
import { KvmAnnotation, KvmComponent, KvmLabel, kvmCluster, nodeList, provider, renderVmDeployment } from '@kubeception/driver-kvm';
import {
  createSimulatedClock,
  startSimulatedHost,
  startVmSimulator,
  VmPodKey,
  type SimulatedClock,
  type SimulatedHost,
  type SimulatedHostOptions,
  type VmEvent,
  type VmSimulator,
} from '@kubeception/testing';
import { AppsV1Api, CoreV1Api, type V1Deployment, type V1Node, type V1Pod } from '@kubernetes/client-node';
import { afterEach, describe, expect, it } from 'vitest';

let host: SimulatedHost | undefined;
let vms: VmSimulator | undefined;
afterEach(async () => {
  await vms?.stop();
  await host?.stop();
  vms = undefined;
  host = undefined;
});

/** A VM Deployment shaped like the driver's (labels, selector, Recreate, anti-affinity, version annotation). */
function vmDeployment(cluster: string, node: string, version: string, pool?: string): V1Deployment {
  const labels = { [Label.Cluster]: cluster, [Label.Role]: pool ? 'worker' : 'master', ...(pool ? { [Label.Pool]: pool } : {}), [KvmLabel.Node]: node };
  return {
    metadata: { name: node, labels },
    spec: {
      replicas: 1,
      strategy: { type: 'Recreate' },
      selector: { matchLabels: { [Label.Cluster]: cluster, [KvmLabel.Node]: node } },
      template: {
        metadata: { labels: { ...labels, [KvmLabel.Component]: KvmComponent.Vm }, annotations: { [KvmAnnotation.KubernetesVersion]: version } },
        spec: {
          terminationGracePeriodSeconds: 10,
          affinity: {
            podAntiAffinity: {
              requiredDuringSchedulingIgnoredDuringExecution: [
                { labelSelector: { matchLabels: { [Label.Cluster]: cluster, [KvmLabel.Component]: KvmComponent.Vm } }, topologyKey: 'kubernetes.io/hostname' },
              ],
            },
          },
          containers: [{ name: 'launcher', image: 'registry.example/qemu-launcher:1' }],
        },
      },
    },
  };
}

const ready = (node: V1Node | undefined) => node?.status?.conditions?.find((c) => c.type === 'Ready');
const of = (events: readonly VmEvent[], node: string) => events.filter((e) => e.node === node).map((e) => (e.version ? `${e.type} ${e.version}` : e.type));

async function start(clock: SimulatedClock, options: SimulatedHostOptions = {}) {
  host = await startSimulatedHost({ nodes: 3, clock, ...options });
  vms = await startVmSimulator(host);
  return { host, vms, core: host.kubeConfig.makeApiClient(CoreV1Api), apps: host.kubeConfig.makeApiClient(AppsV1Api) };
}

describe('the VM simulator', () => {
  it('uses the driver’s label and annotation names', () => {
    expect(VmPodKey).toMatchObject({
      Component: KvmLabel.Component,
      Node: KvmLabel.Node,
      VmIp: KvmAnnotation.VmIp,
      KubernetesVersion: KvmAnnotation.KubernetesVersion,
    });
  });

  it('annotates VMs, registers guest Nodes, replaces them on a new version, records cordons, drains and stops', async () => {
    const clock = createSimulatedClock();
    const { core, apps } = await start(clock);
    await core.createNamespace({ body: { metadata: { name: 'demo' } } });
    await apps.createNamespacedDeployment({ namespace: 'demo', body: vmDeployment('demo', 'demo-master-0', '1.33.1') });
    await apps.createNamespacedDeployment({ namespace: 'demo', body: vmDeployment('demo', 'demo-general-0', '1.33.1', 'general') });
    await vms!.settle();

    const vmPods = async () => (await core.listNamespacedPod({ namespace: 'demo', labelSelector: `${KvmLabel.Component}=vm` })).items;
    const ipOf = (pods: V1Pod[], node: string) =>
      pods.find((p) => p.metadata?.labels?.[KvmLabel.Node] === node && !p.metadata?.deletionTimestamp)?.metadata?.annotations?.[KvmAnnotation.VmIp];
    const workerIp = vms!.addressOf('demo', 'demo-general-0');
    expect(ipOf(await vmPods(), 'demo-master-0')).toBe('10.128.0.2');
    expect(ipOf(await vmPods(), 'demo-general-0')).toBe(workerIp);
    expect(workerIp).toBe('10.128.0.3');

    const guest = vms!.kubeConfigFor('demo')!.makeApiClient(CoreV1Api);
    const master = await guest.readNode({ name: 'demo-master-0' });
    expect(ready(master)).toMatchObject({ status: 'True', reason: 'KubeletReady' });
    expect(master.metadata?.labels).toMatchObject({ 'kubernetes.io/hostname': 'demo-master-0', 'node-role.kubernetes.io/control-plane': '' });
    expect(master.status?.nodeInfo?.kubeletVersion).toBe('v1.33.1');
    expect(master.status?.addresses).toContainEqual({ type: 'InternalIP', address: '10.128.0.2' });
    const worker = await guest.readNode({ name: 'demo-general-0' });
    expect(worker.metadata?.labels?.[Label.Pool]).toBe('general');
    const workloads = (await guest.listNamespacedPod({ namespace: 'default' })).items;
    expect(workloads.map((p) => [p.spec?.nodeName, p.status?.phase])).toEqual([['demo-general-0', 'Running']]);

    // A new version: Recreate stops the old VM (10 s grace period), the Node goes Unknown, then the new VM makes it Ready.
    await apps.patchNamespacedDeployment({
      namespace: 'demo',
      name: 'demo-general-0',
      body: [{ op: 'replace', path: `/spec/template/metadata/annotations/${KvmAnnotation.KubernetesVersion.replace('/', '~1')}`, value: '1.34.0' }],
    });
    await vms!.settle();
    const stopping = ready(await guest.readNode({ name: 'demo-general-0' }));
    expect(stopping).toMatchObject({ status: 'Unknown', reason: 'NodeStatusUnknown', message: 'Kubelet stopped posting node status.' });
    await clock.advance(10_000);
    await vms!.settle();
    const upgraded = await guest.readNode({ name: 'demo-general-0' });
    expect(ready(upgraded)?.status).toBe('True');
    expect(upgraded.status?.nodeInfo?.kubeletVersion).toBe('v1.34.0');
    expect(ipOf(await vmPods(), 'demo-general-0')).toBe(workerIp);
    expect((await guest.listNamespacedPod({ namespace: 'default' })).items).toHaveLength(1); // not made again

    // A drain by hand: cordon, delete the workload pods; then the VM goes.
    await guest.patchNode({ name: 'demo-general-0', body: [{ op: 'add', path: '/spec/unschedulable', value: true }] });
    await vms!.settle();
    await guest.deleteCollectionNamespacedPod({ namespace: 'default' });
    await vms!.settle();
    await apps.deleteNamespacedDeployment({ namespace: 'demo', name: 'demo-general-0' });
    await vms!.settle();
    expect(ready(await guest.readNode({ name: 'demo-general-0' }))?.status).toBe('Unknown');
    await clock.advance(10_000);
    await vms!.settle();

    expect(of(vms!.history(), 'demo-general-0')).toEqual([
      'vm-started 1.33.1',
      'node-ready 1.33.1',
      'vm-stopped 1.33.1',
      'node-not-ready',
      'vm-started 1.34.0',
      'node-ready 1.34.0',
      'node-cordoned',
      'pods-drained',
      'vm-stopped 1.34.0',
      'node-not-ready',
    ]);
    expect(of(vms!.history(), 'demo-master-0')).toEqual(['vm-started 1.33.1', 'node-ready 1.33.1']);
    expect(vms!.history().every((e, i, all) => i === 0 || e.at >= (all[i - 1] as VmEvent).at)).toBe(true);

    // The namespace goes: so does the guest API server.
    const url = vms!.guest('demo')!.url;
    await core.deleteNamespace({ name: 'demo' });
    await vms!.settle();
    await clock.advance(10_000);
    await vms!.settle();
    expect(vms!.guest('demo')).toBeUndefined();
    expect(vms!.clusters()).toEqual([]);
    await expect(fetch(`${url}/version`)).rejects.toThrow();
    expect(vms!.failures()).toEqual([]);
  });

  it('waits for the address and readiness delays, and a failed VM pod makes its Node Unknown', async () => {
    const clock = createSimulatedClock();
    host = await startSimulatedHost({ nodes: 2, clock });
    vms = await startVmSimulator(host, { addressDelayMs: 5_000, nodeReadyDelayMs: 20_000, workloadPodsPerWorker: 2 });
    const core = host.kubeConfig.makeApiClient(CoreV1Api);
    const apps = host.kubeConfig.makeApiClient(AppsV1Api);
    await core.createNamespace({ body: { metadata: { name: 'slow' } } });
    await apps.createNamespacedDeployment({ namespace: 'slow', body: vmDeployment('slow', 'slow-pool-0', '1.33.1', 'pool') });
    await vms.settle();
    const pod = async () => (await core.listNamespacedPod({ namespace: 'slow' })).items[0] as V1Pod;
    expect((await pod()).metadata?.annotations?.[KvmAnnotation.VmIp]).toBeUndefined();
    await clock.advance(5_000);
    await vms.settle();
    expect((await pod()).metadata?.annotations?.[KvmAnnotation.VmIp]).toBe('10.128.0.2');
    const guest = vms.kubeConfigFor('slow')!.makeApiClient(CoreV1Api);
    expect(ready(await guest.readNode({ name: 'slow-pool-0' }))).toMatchObject({ status: 'False', reason: 'KubeletNotReady' });
    await clock.advance(15_000);
    await vms.settle();
    expect(ready(await guest.readNode({ name: 'slow-pool-0' }))?.status).toBe('True');
    expect((await guest.listNamespacedPod({ namespace: 'default' })).items.map((p) => p.metadata?.name)).toEqual([
      'slow-pool-0-workload-0',
      'slow-pool-0-workload-1',
    ]);

    host.kubelet.fail('slow', (await pod()).metadata?.name as string);
    await vms.settle();
    expect(ready(await guest.readNode({ name: 'slow-pool-0' }))?.status).toBe('Unknown');
    // The ReplicaSet replaces the failed pod: a new VM, NotReady until its delays have passed, same address.
    expect(of(vms.history(), 'slow-pool-0')).toEqual(['vm-started 1.33.1', 'node-ready 1.33.1', 'vm-stopped 1.33.1', 'node-not-ready', 'vm-started 1.33.1']);
    await clock.advance(5_000);
    await vms.settle();
    expect(ready(await guest.readNode({ name: 'slow-pool-0' }))?.status).toBe('False');
    await clock.advance(15_000);
    await vms.settle();
    expect(ready(await guest.readNode({ name: 'slow-pool-0' }))?.status).toBe('True');
    expect(vms.addressOf('slow', 'slow-pool-0')).toBe('10.128.0.2');
    expect((await guest.listNamespacedPod({ namespace: 'default' })).items).toHaveLength(2);
  });

  it('runs the driver’s rendered VM Deployments', async () => {
    const clock = createSimulatedClock();
    const { core, apps } = await start(clock, { nodes: Array.from({ length: 3 }, () => ({ labels: { 'kubeception.io/vm-host': 'true' } })) });
    const sample = {
      apiVersion: 'kubeception.io/v1alpha1',
      kind: 'Cluster',
      metadata: { name: 'demo', namespace: 'default' },
      spec: {
        provider: { kvm: { etcdStorage: { type: 'hostPath' }, nodeSelector: { 'kubeception.io/vm-host': 'true' } } },
        kubernetes: { version: '1.33.1', api: { domain: 'api.demo.example.com' } },
        ingress: { domain: 'demo.example.com' },
        network: { podCIDR: '10.2.0.0/16' },
        masters: { replicas: 1, cpus: 2, memory: '4Gi', disk: '20Gi' },
        workers: [{ name: 'default', replicas: 2, cpus: 2, memory: '4Gi', disk: '20Gi' }],
      },
    };
    const cluster = createClusterModel({ providers: [provider] })
      .validate(sample)
      ._unsafeUnwrap() as any;
    const kvm = kvmCluster(cluster, cluster.spec.provider.kvm);
    await core.createNamespace({ body: { metadata: { name: kvm.id } } });
    for (const node of nodeList(kvm))
      await apps.createNamespacedDeployment({ namespace: kvm.id, body: renderVmDeployment(kvm, node, 3)._unsafeUnwrap() as V1Deployment });
    await vms!.settle();
    const nodes = (await vms!.kubeConfigFor(kvm.id)!.makeApiClient(CoreV1Api).listNode()).items;
    expect(nodes.map((n) => [n.metadata?.name, ready(n)?.status, n.status?.nodeInfo?.kubeletVersion]).sort()).toEqual([
      ['demo-default-0', 'True', 'v1.33.1'],
      ['demo-default-1', 'True', 'v1.33.1'],
      ['demo-master-0', 'True', 'v1.33.1'],
    ]);

    // A Node deleted while its VM runs stays gone (a kubelet registers once); the next VM registers it again.
    const guest = vms!.kubeConfigFor(kvm.id)!.makeApiClient(CoreV1Api);
    await guest.deleteNode({ name: 'demo-default-1' });
    await vms!.settle();
    expect((await guest.listNode()).items.map((n) => n.metadata?.name)).not.toContain('demo-default-1');
    const pod = (await core.listNamespacedPod({ namespace: kvm.id, labelSelector: `${KvmLabel.Node}=demo-default-1` })).items[0] as V1Pod;
    await core.deleteNamespacedPod({ namespace: kvm.id, name: pod.metadata?.name as string, gracePeriodSeconds: 0 });
    await vms!.settle();
    expect(ready(await guest.readNode({ name: 'demo-default-1' }))?.status).toBe('True');
  });
});
