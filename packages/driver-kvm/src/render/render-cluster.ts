/** `renderCluster`: every host object of a guest cluster, in apply order. */
import type { KubeObject } from '@kubeception/sdk';
import { Result } from 'neverthrow';
import { renderBootConfigMap } from './boot-config.js';
import type { KvmCluster } from './cluster.js';
import { renderDisruptionBudgets } from './disruption-budgets.js';
import { renderEtcdClaim } from './etcd-storage.js';
import {
  flannelEtcdPrefix,
  flannelNetworkConfig,
  renderFlannelDaemonSet,
  type FlannelDaemonSetOptions,
  type FlannelNetwork,
  type FlannelNetworkConfig,
} from './flannel.js';
import { CURRENT_HOST_API_VERSIONS, type HostApiVersions } from './host-api-versions.js';
import { renderApiIngress } from './ingress.js';
import { renderNamespace, renderNetworkPolicy } from './namespace.js';
import { nodeList, poolPath, type VmNode } from './nodes.js';
import { quoting, type Unrenderable } from './quote.js';
import { renderRole, renderRoleBinding, renderServiceAccount } from './rbac.js';
import { renderServices } from './services.js';
import { renderVmDeployment } from './vm-deployment.js';

/** Namespace of the host ingress controller when {@link RenderInputs.ingressNamespace} is unset. */
export const DEFAULT_INGRESS_NAMESPACE = 'ingress-nginx';

/** What rendering needs besides the Cluster: facts the driver allocated or knows about the host. */
export interface RenderInputs {
  /** The cluster's flannel network and VNI, as allocated (and recorded in `status.network`). */
  readonly network: FlannelNetwork;
  /** The host flannel store the DaemonSet reads. */
  readonly flannel: FlannelDaemonSetOptions;
  /** Namespace of the host ingress controller, admitted by the NetworkPolicy. @default {@link DEFAULT_INGRESS_NAMESPACE} */
  readonly ingressNamespace?: string;
  /**
   * The nodes to render VMs for (e.g. while scaling down, the ones still present).
   * @default {@link nodeList}(cluster)
   */
  readonly nodes?: readonly VmNode[];
  /** The versions the host serves PodDisruptionBudgets and EndpointSlices at. @default {@link CURRENT_HOST_API_VERSIONS} */
  readonly hostApiVersions?: HostApiVersions;
}

/** The rendered cluster. */
export interface RenderedCluster {
  /** Host namespace of the cluster: its ID, `<name>-<hash of namespace/name>` ({@link KvmCluster.id}). */
  readonly namespace: string;
  /** Every host object, in apply order (delete in reverse). Owner-less; see {@link renderCluster}. */
  readonly objects: KubeObject[];
  /** The nodes rendered. */
  readonly nodes: readonly VmNode[];
  /** What the driver writes to the host flannel store: `config` under `<prefix>/config`. */
  readonly flannel: { readonly prefix: string; readonly config: FlannelNetworkConfig };
  /** The versions it was rendered for (the EndpointSlices, rendered later from the VMs' addresses, use them too). */
  readonly hostApiVersions: HostApiVersions;
}

/**
 * Renders the host objects of a KVM guest cluster, all in host namespace `<cluster-id>`, labelled
 * `kubeception.io/cluster=<name>`, `kvm.kubeception.io/cluster-namespace=<namespace>` and
 * `app.kubernetes.io/managed-by=kvm-operator`. Pure and deterministic: the same inputs always
 * give deep-equal output.
 *
 * Fails with {@link Unrenderable} when a user-written value cannot be written safely where it
 * lands (a control character anywhere; a name that is no DNS-1123 label; a node label that is no
 * Kubernetes label; a size that is no whole count of MiB): nothing of such a cluster is rendered.
 * Rendering never throws on what a Cluster holds.
 *
 * Order: Namespace; ServiceAccount, Role, RoleBinding; NetworkPolicy; flannel DaemonSet; per node
 * boot ConfigMap and (masters with `persistentVolume` etcd) PersistentVolumeClaim; per node
 * Deployment; Services `master`, `worker`; Ingress `api`; PodDisruptionBudgets.
 *
 * No object has owner references: the Namespace is cluster-scoped and the Cluster namespaced,
 * and owners may not cross namespaces, so none of these can be owned by the Cluster. The driver
 * deletes them explicitly (reverse order) and deleting the Namespace sweeps any rest.
 * EndpointSlices come later from the VMs' addresses (`renderEndpointSlice`).
 *
 * @example
 * ```ts
 * const rendered = renderCluster(kvmCluster(cluster, spec), {
 *   network: { network: '10.1.3.0/24', vni: 3 },
 *   flannel: { etcdEndpoints: ['https://etcd.flannel.svc:2379'] },
 * });
 * if (rendered.isOk()) console.log(rendered.value.namespace); // 'demo-' + 10 base32 characters
 * ```
 */
export function renderCluster(cluster: KvmCluster, inputs: RenderInputs): Result<RenderedCluster, Unrenderable> {
  const nodes = inputs.nodes ?? nodeList(cluster);
  // names that become host names, object names and label values
  const names = quoting();
  names.dnsLabel(cluster.metadata.name, 'metadata.name');
  if (cluster.metadata.namespace !== undefined) names.dnsLabel(cluster.metadata.namespace, 'metadata.namespace');
  names.dnsLabel(cluster.id, 'metadata.name (cluster ID)');
  for (const pool of cluster.spec.workers) names.dnsLabel(pool.name, `${poolPath(cluster, pool.name)}.name`);
  const parts = names.result(undefined).andThen(() =>
    renderFlannelDaemonSet(cluster, inputs.flannel).andThen((flannel) =>
      Result.combine(nodes.map((node) => renderBootConfigMap(cluster, node))).andThen((bootConfigs) =>
        Result.combine(nodes.map((node) => renderEtcdClaim(cluster, node))).andThen((claims) =>
          Result.combine(nodes.map((node) => renderVmDeployment(cluster, node, inputs.network.vni))).map((deployments) => ({
            flannel,
            bootConfigs,
            claims,
            deployments,
          })),
        ),
      ),
    ),
  );
  const hostApiVersions = inputs.hostApiVersions ?? CURRENT_HOST_API_VERSIONS;
  return parts.map(({ flannel, bootConfigs, claims, deployments }) => {
    const objects: KubeObject[] = [
      renderNamespace(cluster),
      renderServiceAccount(cluster),
      renderRole(cluster, nodes),
      renderRoleBinding(cluster),
      renderNetworkPolicy(cluster, inputs.ingressNamespace ?? DEFAULT_INGRESS_NAMESPACE),
      flannel,
      ...nodes.flatMap((_, i) => [bootConfigs[i] as KubeObject, ...[claims[i]].filter((c) => c !== undefined)]),
      ...deployments,
      ...renderServices(cluster),
      renderApiIngress(cluster),
      ...renderDisruptionBudgets(cluster, hostApiVersions.podDisruptionBudget),
    ];
    const flannelConfig = { prefix: flannelEtcdPrefix(cluster.id), config: flannelNetworkConfig(cluster, inputs.network) };
    return { namespace: cluster.id, objects, nodes, flannel: flannelConfig, hostApiVersions };
  });
}
