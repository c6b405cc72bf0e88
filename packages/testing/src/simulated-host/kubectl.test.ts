import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSimulatedHost, type SimulatedHost } from './host.js';
import { clients, deployment, isRunningReady, onePerNode, podsOf } from './test-fixtures.js';

const run = promisify(execFile);
const kubectlPath = await run('kubectl', ['version', '--client']).then(
  () => 'kubectl',
  () => undefined,
);
if (kubectlPath === undefined) console.warn('kubectl not found on PATH: skipping the kubectl tests of the simulated host');

let host: SimulatedHost;
let dir: string;
let kubeconfig: string;
beforeAll(async () => {
  if (kubectlPath === undefined) return;
  host = await startSimulatedHost({ nodes: 2 });
  dir = mkdtempSync(join(tmpdir(), 'sim-host-kubectl-'));
  kubeconfig = join(dir, 'kubeconfig');
  writeFileSync(kubeconfig, host.kubeconfigYaml);
});
afterAll(async () => {
  if (kubectlPath === undefined) return;
  await host.stop();
  rmSync(dir, { recursive: true, force: true });
});

// The real `kubectl scale`: it patches the Deployment's `scale` subresource (an autoscaling/v1 Scale).
const scale = (name: string, replicas: number) => kubectl('scale', `deployment/${name}`, `--replicas=${replicas}`);
const kubectl = async (...args: string[]) => (await run('kubectl', ['--kubeconfig', kubeconfig, ...args], { timeout: 30_000 })).stdout;

describe.skipIf(kubectlPath === undefined)('driven by kubectl', () => {
  it('scales a Deployment with anti-affinity and waits for its rollout', async () => {
    await clients(host).apps.createNamespacedDeployment({ namespace: 'default', body: deployment('vm', 1, { affinity: onePerNode('vm') }) });
    expect(await kubectl('rollout', 'status', 'deployment/vm', '--timeout=20s')).toContain('successfully rolled out');
    expect(await scale('vm', 2)).toBe('deployment.apps/vm scaled\n');
    expect(host.kube.requests.count({ resource: 'deployments', subresource: 'scale', verb: 'patch', code: 200 })).toBe(1);
    expect(await kubectl('rollout', 'status', 'deployment/vm', '--timeout=20s')).toContain('successfully rolled out');
    expect((await podsOf(host, 'vm')).filter(isRunningReady)).toHaveLength(2);

    expect(await scale('vm', 3)).toBe('deployment.apps/vm scaled\n');
    await host.settle();
    const pending = (await podsOf(host, 'vm')).filter((p) => p.status?.phase === 'Pending');
    expect(pending).toHaveLength(1);
    expect(
      await kubectl('get', 'pods', '-l', 'app=vm', '--field-selector=status.phase=Pending', '-o', 'jsonpath={.items[0].status.conditions[0].message}'),
    ).toMatch(/^0\/2 nodes are available: 2 node\(s\) didn't match pod anti-affinity rules\./);
    await host.nodes.add();
    expect(await kubectl('rollout', 'status', 'deployment/vm', '--timeout=20s')).toContain('successfully rolled out');
    expect(await kubectl('get', 'deployment', 'vm', '-o', 'jsonpath={.status.readyReplicas}')).toBe('3');
  });
});
