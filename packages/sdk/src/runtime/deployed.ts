/**
 * The manager options every operator deployed in a cluster shares, so that each operator's CLI
 * sets them once: a client of the API server it runs in (KUBECONFIG, else in-cluster) with the
 * operator's User-Agent, leader election on a Lease named after the operator in its own namespace
 * (`$POD_NAMESPACE` from the downward API), `/metrics`, `/livez`, `/healthz` and `/readyz` on every
 * interface, and a stop on SIGTERM/SIGINT.
 */
import { createKubeClient, type KubeClient } from '../kube/client.js';
import type { LeaderElectionOptions } from './leader-election.js';
import type { ManagerOptions } from './manager.js';

/** Options of {@link deployedManagerOptions}. */
export interface DeployedManagerOptions {
  /** The environment to read `POD_NAMESPACE` from. @default process.env */
  readonly env?: Readonly<Record<string, string | undefined>>;
  /** The Lease's namespace. @default `$POD_NAMESPACE`, else `kubeception` */
  readonly namespace?: string;
  /** Port of `/metrics`, `/livez`, `/healthz`, `/readyz`. @default 8080 */
  readonly port?: number;
}

/** What {@link deployedManagerOptions} sets: spread it into an operator's factory options. */
export interface DeployedManager extends Required<Pick<ManagerOptions, 'http' | 'handleSignals'>> {
  /** A client of the cluster the operator runs in (KUBECONFIG, else in-cluster), with the operator's name as User-Agent. */
  readonly kube: KubeClient;
  /** A Lease named after the operator in its namespace. */
  readonly leaderElection: LeaderElectionOptions;
}

/**
 * The shared options of an operator named `name` running in a cluster.
 *
 * @example
 * ```ts
 * await createCertOperator({ ...deployedManagerOptions('cert-operator'), vault, logger }).start();
 * ```
 */
export function deployedManagerOptions(name: string, options: DeployedManagerOptions = {}): DeployedManager {
  const env = options.env ?? process.env;
  return {
    kube: createKubeClient({ userAgent: name }),
    leaderElection: { name, namespace: options.namespace ?? env.POD_NAMESPACE ?? 'kubeception' },
    http: { port: options.port ?? 8080, host: '0.0.0.0' },
    handleSignals: true,
  };
}
