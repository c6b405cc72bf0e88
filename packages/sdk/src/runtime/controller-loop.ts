/**
 * `createController`: a level-based controller. Events only say *which* object to look at; the
 * reconcile function always gets the object as it is now in the cache. Here: the running part,
 * in named stages — what queues a key (`controller-triggers.ts`), the reconcile of one key
 * (`reconcile-once.ts`), the workers that take keys off the queue once every cache is synced,
 * and the shutdown: when `env.signal` aborts, the subscriptions and the resync timer stop, the
 * queue hands out no more keys, and the reconciles in flight get `env.shutdownTimeoutMs` to end.
 */
import type { KubeObject } from '../resource.js';
import type { Controller, ControllerEnvironment, ControllerOptions } from './controller.js';
import { prepareRun, type ControllerRun } from './controller-run.js';
import { subscribeTriggers } from './controller-triggers.js';
import { reconcileOnce } from './reconcile-once.js';

/**
 * Defines a controller.
 *
 * @example
 * ```ts
 * const controller = createController({
 *   name: 'certificate-configmaps',
 *   resource: CertificateResource,
 *   owns: [ConfigMapResource],
 *   reconcile: (cert, ctx) => ctx.kube.resource(ConfigMapResource).apply(configMapFor(cert), { fieldManager: 'demo' }).map(() => done()),
 * });
 * ```
 */
export function createController<T extends KubeObject, I extends KubeObject, E>(options: ControllerOptions<T, I, E>): Controller {
  let resync: () => void = () => {};
  return {
    name: options.name,
    run: (env) => runController(options, env, (fn) => (resync = fn)),
    resync: () => resync(),
  };
}

/** Runs a controller until `env.signal` aborts and its reconciles in flight ended (or the shutdown timeout passed). */
export async function runController<T extends KubeObject, I extends KubeObject, E>(
  options: ControllerOptions<T, I, E>,
  env: ControllerEnvironment,
  exposeResync: (fn: () => void) => void,
): Promise<void> {
  const run = prepareRun(options, env);
  const triggers = subscribeTriggers(run, exposeResync);
  const stopped = new Promise<'stopped'>((resolve) =>
    env.signal.aborted ? resolve('stopped') : env.signal.addEventListener('abort', () => resolve('stopped'), { once: true }),
  );
  // a cache that never syncs (its kind is not served, its list is forbidden) must not hold the
  // shutdown: workers that never started have nothing in flight
  const workers = Promise.race([Promise.all(triggers.synced), stopped]).then((outcome) => (outcome === 'stopped' ? undefined : runWorkers(run)));
  await stopped;
  triggers.stop();
  run.queue.shutDown();
  await Promise.race([Promise.all([workers, run.queue.drain()]), new Promise((resolve) => setTimeout(resolve, env.shutdownTimeoutMs).unref?.())]);
}

/** Runs `concurrency` workers, each reconciling the keys it takes from the queue until the queue shuts down. */
async function runWorkers<T extends KubeObject, I extends KubeObject, E>(run: ControllerRun<T, I, E>): Promise<void> {
  const { options, env, queue } = run;
  const labels = { controller: options.name };
  let active = 0;
  const worker = async () => {
    for (let key = await queue.get(); key !== undefined; key = await queue.get()) {
      const k = key;
      env.metrics.activeWorkers.set(labels, ++active);
      await reconcileOnce(run, k, () => queue.done(k));
      env.metrics.activeWorkers.set(labels, --active);
    }
  };
  await Promise.all(Array.from({ length: options.concurrency ?? 1 }, worker));
}
