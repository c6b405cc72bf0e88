/**
 * A `KubeClient` that calls the fake API server in-process (internal): the same handlers'
 * semantics (admission, resourceVersion conflicts, managed fields, deletion, selectors, watch
 * replay and 410 Gone) without HTTP, client-node or JSON over a socket. It is for the fake's own
 * components (the simulated host's kubelet, scheduler and controllers, the VM simulator), so that
 * simulating a big host does not cost what serving its clients costs; code under test keeps
 * reaching the server over HTTP with the real client.
 *
 * What it leaves out, on purpose: its requests are not in the request log and injected faults do
 * not apply to them (they are the fakes' own); `dropWatches` still ends its watches. The objects
 * it returns and its watch events carry are the server's stored objects, frozen and shared (as
 * controller-runtime's cache hands out its objects): copy one before changing it. What it is
 * given is copied.
 */
import type { KubeObject, ResourceDescriptor } from '@kubeception/sdk';
import { evictionFor, type KubeClient, type ResourceClient } from '@kubeception/sdk/kube';
import type { KubeConfig } from '@kubernetes/client-node';
import { evictPod } from './eviction.js';
import type { HandlerContext } from './handlers.js';
import { call, localResourceClient } from './local-resource-client.js';
import { pathNotFound } from './status.js';

/**
 * Options of a local client.
 * @inline
 */
export interface LocalClientOptions {
  /** Field manager of writes and server-side apply. @default 'kubeception' */
  readonly fieldManager?: string;
}

/** A `KubeClient` over `ctx`; `kubeConfig` is the server's, for code that reads it. */
export function localKubeClient(ctx: HandlerContext, kubeConfig: KubeConfig, options: LocalClientOptions = {}): KubeClient {
  const defaultNamespace = kubeConfig.getContextObject(kubeConfig.getCurrentContext())?.namespace ?? 'default';
  const fieldManager = options.fieldManager ?? 'kubeception';
  const clients = new WeakMap<object, ResourceClient<KubeObject>>();
  return {
    kubeConfig,
    defaultNamespace,
    resource<T extends KubeObject, I extends KubeObject = T>(descriptor: ResourceDescriptor<T, I>): ResourceClient<T, I> {
      let client = clients.get(descriptor);
      if (client === undefined) clients.set(descriptor, (client = localResourceClient(ctx, descriptor, defaultNamespace, fieldManager)));
      // the cache forgets T and I; the client kept under this descriptor was made for it
      return client as unknown as ResourceClient<T, I>;
    },
    evict(name, options) {
      const { namespace } = options;
      const body = evictionFor(name, options);
      return call(() => {
        const pods = ctx.api.registry.find('', 'v1', 'pods');
        if (pods === undefined) throw pathNotFound();
        evictPod(ctx.api, pods, namespace, name, body, false);
      });
    },
  };
}
