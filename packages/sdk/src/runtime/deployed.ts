/**
 * The manager options every operator deployed in a cluster shares, so that each operator's CLI
 * sets them once: a client of the API server it runs in (KUBECONFIG, else in-cluster) with the
 * operator's User-Agent, leader election on a Lease named after the operator in its own namespace
 * (`$POD_NAMESPACE` from the downward API), `/metrics`, `/livez`, `/healthz` and `/readyz` on every
 * interface (one port, or the metrics and the probes on their own addresses), and a stop on
 * SIGTERM/SIGINT.
 */
import { createKubeClient, type KubeClient } from '../kube/client.js';
import type { ListenAddress } from './bind-address.js';
import type { LeaderElectionOptions } from './leader-election.js';
import type { ManagerOptions } from './manager.js';

/** Options of {@link deployedManagerOptions}. */
export interface DeployedManagerOptions {
  /** The environment to read `POD_NAMESPACE` from. @default process.env */
  readonly env?: Readonly<Record<string, string | undefined>>;
  /** The Lease's namespace. @default `$POD_NAMESPACE`, else `kubeception` */
  readonly namespace?: string;
  /** Port of `/metrics`, `/livez`, `/healthz`, `/readyz` on every interface, when `metrics` is not given. @default 8080 */
  readonly port?: number;
  /** Where `/metrics` listens (`--metrics-bind-address`); `false`: not served. @default every interface on `port` */
  readonly metrics?: ListenAddress | false;
  /** Where the probes listen on their own (`--health-probe-bind-address`); `false`: not served. @default with `/metrics` */
  readonly healthProbes?: ListenAddress | false;
  /** Lead on the Lease before reconciling (`--leader-elect`); `false` reconciles at once. @default true */
  readonly leaderElection?: boolean;
}

/** What {@link deployedManagerOptions} sets: spread it into an operator's factory options. */
export interface DeployedManager extends Required<Pick<ManagerOptions, 'http' | 'handleSignals'>> {
  /** A client of the cluster the operator runs in (KUBECONFIG, else in-cluster), with the operator's name as User-Agent. */
  readonly kube: KubeClient;
  /** A Lease named after the operator in its namespace; `false` with `leaderElection: false`. */
  readonly leaderElection: false | LeaderElectionOptions;
}

/**
 * The shared options of an operator named `name` running in a cluster.
 *
 * @example
 * ```ts
 * await createCertOperator({ ...deployedManagerOptions('cert-operator'), vault, logger }).start();
 * // controller-runtime's defaults: /metrics on :8080, the probes on :8081
 * deployedManagerOptions('cert-operator', { metrics: { host: '0.0.0.0', port: 8080 }, healthProbes: { host: '0.0.0.0', port: 8081 } });
 * ```
 */
export function deployedManagerOptions(name: string, options: DeployedManagerOptions = {}): DeployedManager {
  const env = options.env ?? process.env;
  const metrics = options.metrics ?? { host: '0.0.0.0', port: options.port ?? 8080 };
  return {
    kube: createKubeClient({ userAgent: name }),
    leaderElection: options.leaderElection === false ? false : { name, namespace: options.namespace ?? env.POD_NAMESPACE ?? 'kubeception' },
    http: {
      port: metrics === false ? false : metrics.port,
      host: metrics === false ? '0.0.0.0' : metrics.host,
      ...(options.healthProbes === undefined ? {} : { probes: options.healthProbes }),
    },
    handleSignals: true,
  };
}
