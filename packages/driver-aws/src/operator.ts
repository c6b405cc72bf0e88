/**
 * The aws-operator, assembled once: the Cluster controller on the AWS driver as a list another
 * manager can run too (`awsOperatorControllers`, e.g. beside pki-vault's PKI controllers), and the
 * operator itself (`createAwsOperator`: a manager running them). Its PKI objects default to the
 * SDK's `clusterPki`, so the operator needs no PKI package: whichever PKI controllers run on the
 * host issue them; node boot tokens come from the `bootToken` you give (e.g. pki-vault's
 * `nodeBootTokens`).
 */
import type { EC2Client } from '@aws-sdk/client-ec2';
import { clusterPki, createClusterController, type ClusterControllerOptions, type DesiredPki } from '@kubeception/sdk/cluster';
import { createManager, type Controller, type Manager, type ManagerOptions } from '@kubeception/sdk/runtime';
import { createAwsDriver, type AwsDriverOptions } from './driver.js';
import { ec2Clients } from './ec2-clients.js';
import type { AwsWorld } from './observe.js';
import type { AwsSpec } from './provider-spec.js';

/** Name of the aws-operator: its manager and Lease, and its Cluster controller. */
export const AWS_OPERATOR = 'aws-operator';

/** Options of {@link awsOperatorControllers}: the driver's and the Cluster controller's. */
export interface AwsOperatorControllersOptions
  extends Omit<AwsDriverOptions, 'ec2'>, Omit<ClusterControllerOptions<AwsSpec, AwsWorld>, 'driver' | 'pki' | 'name'> {
  /** An EC2 client per region. @default `ec2Clients().forRegion`: the SDK's default credential chain, adaptive retries */
  readonly ec2?: (region: string) => EC2Client;
  /** Name of the Cluster controller (its field manager). @default 'aws-operator' */
  readonly name?: string;
  /** The CertificateAuthority and Certificates each Cluster needs. @default the SDK's `clusterPki` */
  readonly pki?: DesiredPki;
}

/**
 * The aws-operator's controllers (the Cluster controller on the AWS driver), to run in a manager
 * of your own, alone or with other controllers.
 *
 * @example
 * ```ts
 * import { awsOperatorControllers } from '@kubeception/driver-aws';
 * import { createManager } from '@kubeception/sdk/runtime';
 *
 * const [clusters] = awsOperatorControllers({ pollMs: 2000 });
 * await createManager({ controllers: [clusters, ...otherControllers] }).start();
 * ```
 */
export function awsOperatorControllers(options: AwsOperatorControllersOptions = {}): readonly [clusters: Controller] {
  const { name = AWS_OPERATOR, pki = clusterPki, finalizer, namespace, concurrency, ec2, ...driverOptions } = options;
  const driver = createAwsDriver({ ...driverOptions, ec2: ec2 ?? ec2Clients().forRegion });
  return [createClusterController({ driver, pki, name, finalizer, namespace, concurrency })];
}

/** Options of {@link createAwsOperator}: the controllers' and the manager's. */
export interface AwsOperatorOptions extends AwsOperatorControllersOptions, Omit<ManagerOptions, 'controllers' | 'name'> {
  /** Name of the manager (events, logs, its Lease with `leaderElection`) and of the Cluster controller. @default 'aws-operator' */
  readonly name?: string;
  /** More controllers to run in the same manager, e.g. pki-vault's `certOperatorControllers`. @default none */
  readonly extraControllers?: readonly Controller[];
}

/**
 * The aws-operator: a manager running {@link awsOperatorControllers} (and `extraControllers`).
 *
 * @example
 * ```ts
 * import { createAwsOperator } from '@kubeception/driver-aws';
 * import { createKubeClient } from '@kubeception/sdk/kube';
 *
 * const operator = createAwsOperator({
 *   kube: createKubeClient({ userAgent: 'aws-operator' }),
 *   leaderElection: { name: 'aws-operator', namespace: 'kubeception' },
 *   http: { port: 8080 },
 *   handleSignals: true,
 * });
 * await operator.start();
 * ```
 */
export function createAwsOperator(options: AwsOperatorOptions = {}): Manager {
  const { extraControllers = [], ...rest } = options;
  return createManager({ ...rest, name: rest.name ?? AWS_OPERATOR, controllers: [...awsOperatorControllers(rest), ...extraControllers] });
}
