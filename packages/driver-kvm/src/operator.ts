/**
 * The kvm-operator, assembled once: the Cluster controller on the KVM driver as a list another
 * manager can run too (`kvmOperatorControllers`, e.g. beside pki-vault's PKI controllers), and the
 * operator itself (`createKvmOperator`: a manager running them). Its PKI objects default to the
 * SDK's `clusterPki`, so the operator needs no PKI package: whichever PKI controllers run on the
 * host issue them.
 */
import { clusterPki, createClusterController, type ClusterControllerOptions, type DesiredPki } from '@kubeception/sdk/cluster';
import { createManager, type Controller, type Manager, type ManagerOptions } from '@kubeception/sdk/runtime';
import { createKvmDriver, type KvmDriverOptions, type KvmObservation } from './driver/driver.js';
import { controllerOnHostVersions } from './host-versions-controller.js';
import type { KvmSpec } from './provider-spec.js';
import type { HostApiVersions } from './render/host-api-versions.js';

/** Name of the kvm-operator: its manager and Lease, its Cluster controller and the field manager of the driver's writes. */
export const KVM_OPERATOR = 'kvm-operator';

/** Options of {@link kvmOperatorControllers}: the driver's and the Cluster controller's. */
export interface KvmOperatorControllersOptions
  extends Omit<KvmDriverOptions, 'fieldManager'>, Omit<ClusterControllerOptions<KvmSpec, KvmObservation>, 'driver' | 'pki' | 'name'> {
  /** Name of the Cluster controller, and field manager of the driver's writes. @default 'kvm-operator' */
  readonly name?: string;
  /** The CertificateAuthority and Certificates each Cluster needs. @default the SDK's `clusterPki` */
  readonly pki?: DesiredPki;
  /**
   * The versions the host serves PodDisruptionBudgets and EndpointSlices at. @default asked of the
   * host when the controller starts (`discoverHostApiVersions`): `policy/v1` and
   * `discovery.k8s.io/v1`, or their `v1beta1` on a host older than 1.21; a host serving neither
   * stops the controller at start with that error
   */
  readonly hostApiVersions?: HostApiVersions;
}

/**
 * The kvm-operator's controllers (the Cluster controller on the KVM driver), to run in a manager
 * of your own, alone or with other controllers.
 *
 * @example
 * ```ts
 * import { createEtcdNetworkStore, kvmOperatorControllers } from '@kubeception/driver-kvm';
 * import { createKubeClient } from '@kubeception/sdk/kube';
 * import { createManager } from '@kubeception/sdk/runtime';
 *
 * const kube = createKubeClient();
 * const [clusters] = kvmOperatorControllers({
 *   kube,
 *   networkStore: createEtcdNetworkStore({ hosts: ['https://10.0.0.5:2379'] }),
 *   flannel: { etcdEndpoints: ['https://10.0.0.5:2379'] },
 *   ledgerNamespace: 'kubeception',
 * });
 * await createManager({ kube, controllers: [clusters, ...otherControllers] }).start();
 * ```
 */
export function kvmOperatorControllers(options: KvmOperatorControllersOptions): readonly [clusters: Controller] {
  const { name = KVM_OPERATOR, pki = clusterPki, finalizer, namespace, concurrency, hostApiVersions, ...driverOptions } = options;
  const clusters = (versions: HostApiVersions) =>
    createClusterController({
      driver: createKvmDriver({ ...driverOptions, fieldManager: name, hostApiVersions: versions }),
      pki,
      name,
      finalizer,
      namespace,
      concurrency,
    });
  return [hostApiVersions ? clusters(hostApiVersions) : controllerOnHostVersions(name, options.kube, clusters)];
}

/** Options of {@link createKvmOperator}: the controllers' and the manager's. */
export interface KvmOperatorOptions extends KvmOperatorControllersOptions, Omit<ManagerOptions, 'controllers' | 'kube' | 'kubeConfig' | 'name'> {
  /** Name of the manager (events, logs, its Lease with `leaderElection`), of the Cluster controller and field manager of the driver's writes. @default 'kvm-operator' */
  readonly name?: string;
  /** More controllers to run in the same manager, e.g. pki-vault's `certOperatorControllers`. @default none */
  readonly extraControllers?: readonly Controller[];
}

/**
 * The kvm-operator: a manager running {@link kvmOperatorControllers} (and `extraControllers`).
 *
 * @example
 * ```ts
 * import { createEtcdNetworkStore, createKvmOperator } from '@kubeception/driver-kvm';
 * import { createKubeClient } from '@kubeception/sdk/kube';
 *
 * const operator = createKvmOperator({
 *   kube: createKubeClient(),
 *   networkStore: createEtcdNetworkStore({ hosts: ['https://10.0.0.5:2379'] }),
 *   flannel: { etcdEndpoints: ['https://10.0.0.5:2379'] },
 *   ledgerNamespace: 'kubeception',
 *   leaderElection: { name: 'kvm-operator', namespace: 'kubeception' },
 *   http: { port: 8080 },
 *   handleSignals: true,
 * });
 * await operator.start();
 * ```
 */
export function createKvmOperator(options: KvmOperatorOptions): Manager {
  const { extraControllers = [], ...rest } = options;
  return createManager({ ...rest, name: rest.name ?? KVM_OPERATOR, controllers: [...kvmOperatorControllers(rest), ...extraControllers] });
}
