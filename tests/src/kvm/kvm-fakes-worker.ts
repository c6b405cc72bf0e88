/**
 * Worker-thread entry of {@link startKvmWorldInWorker} (internal): starts the fakes of a KVM
 * world (`startKvmFakes`) with the options in `workerData`, posts where they listen, publishes each
 * guest API server's kubeconfig as it starts, and answers the parent's requests.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { startKvmFakes, type KvmWorldOptions } from './kvm-world.js';
import type { FakesReply, FakesRequest } from './kvm-world-remote.js';

const port = parentPort;
if (port === null) throw new Error('kvm-fakes-worker runs in a worker thread');
const fakes = await startKvmFakes(workerData as KvmWorldOptions);
const published = new Map<string, string>();
const publish = () => {
  for (const name of fakes.vms.clusters()) {
    const yaml = fakes.vms.guest(name)?.kubeconfigYaml;
    if (yaml !== undefined && published.get(name) !== yaml) {
      published.set(name, yaml);
      port.postMessage({ type: 'guest', name, kubeconfigYaml: yaml } satisfies FakesReply);
    }
  }
};
const publisher = setInterval(publish, 100);
port.on('message', (request: FakesRequest) => {
  const answer = async (): Promise<unknown> => {
    switch (request.op) {
      case 'requests':
        return fakes.host.kube.requests.all().map((r) => ({ verb: r.verb, resource: r.resource, subresource: r.subresource, userAgent: r.userAgent }));
      case 'vaultRequests':
        return fakes.vault.requests.all().map((r) => ({ method: r.method, path: r.path, operation: r.operation }));
      case 'clearRequests':
        fakes.host.kube.requests.clear();
        fakes.vault.requests.clear();
        return undefined;
      case 'settle':
        await fakes.vms.settle({ timeoutMs: request.timeoutMs });
        return undefined;
      case 'stop':
        clearInterval(publisher);
        await fakes.stop();
        return undefined;
    }
  };
  answer().then(
    (value) => port.postMessage({ type: 'answer', id: request.id, value } satisfies FakesReply),
    (error: unknown) =>
      port.postMessage({ type: 'answer', id: request.id, error: error instanceof Error ? error.message : String(error) } satisfies FakesReply),
  );
});
port.postMessage({
  type: 'ready',
  hostKubeconfigYaml: fakes.host.kubeconfigYaml,
  vaultUrl: fakes.vault.url,
  vaultToken: fakes.vault.rootToken,
} satisfies FakesReply);
