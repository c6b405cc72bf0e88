/** Starts a fake API server and a manager around controllers, for runtime tests. */
import { kubeceptionCrds } from '@kubeception/sdk';
import { createKubeClient, type KubeClient } from '@kubeception/sdk/kube';
import { createManager, type Controller, type Manager, type ManagerOptions } from '@kubeception/sdk/runtime';
import { startFakeKube, type FakeKube } from '@kubeception/testing';

/** A fake server, a client, and managers started on it; `stop` ends them all. */
export interface RuntimeHarness {
  readonly fake: FakeKube;
  readonly kube: KubeClient;
  start(controllers: readonly Controller[], options?: Partial<ManagerOptions>): Manager;
  stop(): Promise<void>;
}

export async function startHarness(): Promise<RuntimeHarness> {
  const fake = await startFakeKube({ crds: kubeceptionCrds() });
  const kube = createKubeClient({ kubeConfig: fake.kubeConfig, qps: 0 });
  const managers: Manager[] = [];
  return {
    fake,
    kube,
    start(controllers, options = {}) {
      const manager = createManager({
        kube: createKubeClient({ kubeConfig: fake.kubeConfig, qps: 0, retry: { maxAttempts: 1 } }),
        controllers,
        shutdownTimeoutMs: 2_000,
        ...options,
      });
      managers.push(manager);
      void manager.start();
      return manager;
    },
    async stop() {
      await Promise.all(managers.map((m) => m.stop()));
      await fake.stop();
    },
  };
}
