/**
 * The KVM driver's last rendering of each Cluster (internal). Rendering (boot configs, their
 * hashes) is most of a pass's CPU and depends on the spec and the network only, while a converging
 * cluster is observed on every change of its host objects: the last rendering of each cluster is
 * kept and reused while those inputs are the same (preflight renders with the network observe then
 * renders with, so the two share one rendering). A Cluster's rendering is kept while it converges:
 * a pass that finds nothing left to do forgets it (the driver calls `forget`), so the settled
 * Clusters of a host keep none.
 */
import { clusterOwner, type KvmCluster } from '../render/cluster.js';
import type { FlannelDaemonSetOptions, FlannelNetwork } from '../render/flannel.js';
import type { HostApiVersions } from '../render/host-api-versions.js';
import type { Unrenderable } from '../render/quote.js';
import { renderCluster, type RenderedCluster } from '../render/render-cluster.js';

/** A rendering, or why there is none. */
export type RenderOutcome = { readonly value: RenderedCluster } | { readonly error: Unrenderable };

/** The network rendered before one is allocated: only to find out whether the Cluster renders at all (rendering fails on user-written values alone). */
export const UNALLOCATED: FlannelNetwork = { network: '0.0.0.0/32', vni: 0 };

/** What every rendering is made with besides the Cluster and its network. */
export interface RenderCacheOptions {
  /** How flanneld reaches the host's flannel store. */
  readonly flannel: FlannelDaemonSetOptions;
  /** Namespace of the host ingress controller. @default the renderer's */
  readonly ingressNamespace?: string | undefined;
  /** The versions the host serves PodDisruptionBudgets and EndpointSlices at. @default the renderer's (current) */
  readonly hostApiVersions?: HostApiVersions | undefined;
}

/** The last rendering of each Cluster, by its owner (`<namespace>/<name>`). */
export interface RenderCache {
  /** The Cluster rendered with `held` (or {@link UNALLOCATED} when it holds none): the last rendering while the inputs are the same. */
  render(cluster: KvmCluster, held: FlannelNetwork | undefined): RenderOutcome;
  /** Drops the Cluster's rendering (it is settled, or being deleted). */
  forget(owner: string): void;
}

/** An empty cache. */
export function createRenderCache(options: RenderCacheOptions): RenderCache {
  const rendered = new Map<string, { readonly inputs: string; readonly output: RenderOutcome }>();
  const inputs = {
    flannel: options.flannel,
    ...(options.ingressNamespace ? { ingressNamespace: options.ingressNamespace } : {}),
    ...(options.hostApiVersions ? { hostApiVersions: options.hostApiVersions } : {}),
  };
  return {
    render: (kc, held) => {
      const network = held ?? UNALLOCATED;
      const key = clusterOwner(kc);
      const renderedWith = JSON.stringify([kc, network]);
      const last = rendered.get(key);
      if (last?.inputs === renderedWith) return last.output;
      const output = renderCluster(kc, { network, ...inputs }).match(
        (value): RenderOutcome => ({ value }),
        (error): RenderOutcome => ({ error }),
      );
      rendered.set(key, { inputs: renderedWith, output });
      return output;
    },
    forget: (owner) => void rendered.delete(owner),
  };
}
