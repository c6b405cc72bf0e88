/**
 * A manager stops well inside a pod's termination grace period. The real kube-apiserver found the
 * kvm-operator taking the whole shutdown timeout (30 s, the kubelet's default grace) on SIGTERM:
 * its workers waited for caches of kinds v1.20 does not serve (policy/v1, discovery.k8s.io/v1),
 * which never sync (the driver now writes the versions the host serves: decision 016), and the
 * shutdown waited for those workers. Run on the fake and on the real
 * server, with a controller on a kind neither serves.
 */
import { defineResource, z } from '@kubeception/sdk';
import { ConfigMapResource, createKubeClient } from '@kubeception/sdk/kube';
import { createController, createManager, done } from '@kubeception/sdk/runtime';
import { envtestGate, startEnvtest, startFakeKube, type KubeServer } from '@kubeception/testing';
import { okAsync } from 'neverthrow';
import { readFileSync } from 'node:fs';
import { parseAllDocuments } from 'yaml';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

/** A kind no server here serves: its cache never syncs. */
const Unserved = defineResource({ group: 'absent.kubeception.io', version: 'v1', kind: 'Unserved', plural: 'unserveds', spec: z.object({}) });

const gate = envtestGate();
const servers: [string, () => Promise<KubeServer>][] = [
  ['the fake', () => startFakeKube()],
  ...(gate.run ? [['a real kube-apiserver', () => startEnvtest({ controllers: false })] as [string, () => Promise<KubeServer>]] : []),
];

describe.each(servers)('a manager stopping on %s', (_name, start) => {
  let server: KubeServer;
  beforeAll(async () => (server = await start()), 120_000);
  afterAll(() => server?.stop());

  it('stops at once (not after its 30 s shutdown timeout) while a cache it needs never syncs', async () => {
    const kube = createKubeClient({ kubeConfig: server.kubeConfig, qps: 0 });
    const manager = createManager({
      kube,
      leaderElection: false,
      controllers: [
        createController({ name: 'unserved', resource: Unserved, reconcile: () => okAsync(done()) }),
        createController({ name: 'served', resource: ConfigMapResource, namespace: 'default', reconcile: () => okAsync(done()) }),
      ],
    });
    const running = manager.start();
    await new Promise((resolve) => setTimeout(resolve, 1_000)); // the unserved kind's watcher fails and backs off
    expect(manager.ready()).toBe(false);
    const stopping = Date.now();
    await manager.stop();
    await running;
    expect(Date.now() - stopping).toBeLessThan(5_000);
  });
});

describe("the example operators' Deployments", () => {
  it.each(['aws-operator', 'cert-operator', 'kvm-operator'])('%s states a grace period beyond the manager’s 30 s shutdown timeout', (name) => {
    const text = readFileSync(new URL(`../../../examples/${name}/deploy/base/deployment.yaml`, import.meta.url), 'utf8');
    const deployment = parseAllDocuments(text)
      .map((d) => d.toJS() as { kind?: string; spec?: { template?: { spec?: { terminationGracePeriodSeconds?: number } } } })
      .find((d) => d.kind === 'Deployment');
    expect(deployment?.spec?.template?.spec?.terminationGracePeriodSeconds).toBeGreaterThanOrEqual(45);
  });
});
