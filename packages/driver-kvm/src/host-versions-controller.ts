/**
 * A controller made once the host's API versions are known (internal): the kvm-operator's Cluster
 * controller, whose driver caches, watches and writes PodDisruptionBudgets and EndpointSlices at
 * the versions the host serves. It asks the host when it starts (`discoverHostApiVersions`),
 * again after a backoff while the host does not answer, then builds and runs the controller
 * (queueing what the shared caches hold already, which sends a late controller no event). A
 * host that serves neither version of a kind cannot run the driver: the controller logs why and
 * its `run` rejects with that error as `cause`, so the operator stops at start instead of running
 * without its Cluster controller.
 */
import type { KubeClient } from '@kubeception/sdk/kube';
import type { Controller, ControllerEnvironment } from '@kubeception/sdk/runtime';
import { discoverHostApiVersions } from './driver/host-api-discovery.js';
import type { HostApiVersions } from './render/host-api-versions.js';

/** The first wait before asking a host that did not answer again; doubled each time up to {@link MAX_RETRY_MS}. */
const FIRST_RETRY_MS = 500;
const MAX_RETRY_MS = 30_000;

/** A controller named `name` that asks `kube`'s server for its versions when it starts, then runs `build(versions)`. */
export function controllerOnHostVersions(name: string, kube: KubeClient, build: (versions: HostApiVersions) => Controller): Controller {
  let built: Controller | undefined;
  return {
    name,
    run: async (env) => {
      const versions = await hostVersions(kube, env);
      if (versions === undefined) return; // stopped before the host answered
      env.log.info({ controller: name, ...versions }, 'host API versions');
      built = build(versions);
      // started late, on informers the manager may share with controllers started at once (the PKI
      // controllers cache Clusters too): the informers replay what they cached to a late listener
      await built.run(env);
    },
    resync: () => built?.resync(),
  };
}

/** The host's versions; `undefined` when the controller stopped first. */
async function hostVersions(kube: KubeClient, env: ControllerEnvironment): Promise<HostApiVersions | undefined> {
  for (let waitMs = FIRST_RETRY_MS; !env.signal.aborted; waitMs = Math.min(waitMs * 2, MAX_RETRY_MS)) {
    const outcome = await discoverHostApiVersions(kube).match(
      (versions) => ({ versions }),
      (error) => ({ error }),
    );
    if ('versions' in outcome) return outcome.versions;
    const { error } = outcome;
    if (error.kind === 'NotServed') {
      env.log.error({ err: error }, `${error.message}: the Cluster controller cannot run on this host`);
      throw new Error(error.message, { cause: error });
    }
    env.log.warn({ err: error.cause, resource: error.resource, retryInMs: waitMs }, `host API versions: ${error.message}`);
    await sleep(waitMs, env.signal);
  }
  return undefined;
}

/** Resolves after `ms`, or at once when `signal` aborts. */
function sleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    const timer = setTimeout(done, ms);
    function done() {
      clearTimeout(timer);
      signal.removeEventListener('abort', done);
      resolve();
    }
    signal.addEventListener('abort', done, { once: true });
  });
}
