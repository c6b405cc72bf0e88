/** What the quick start needs of an in-process world, whichever provider it runs. */
import { clusterId } from '@kubeception/sdk';
import type { KubeClient } from '@kubeception/sdk/kube';
import type { Logger } from 'pino';

/** A machine of a guest node: a VM pod on a host node, or an EC2 instance. */
export interface Machine {
  /** The guest node's name. */
  readonly node: string;
  /** Where it runs: the host node (KVM) or `i-… in <zone>` (AWS). */
  readonly host: string;
  readonly running: boolean;
}

/** A running world: fakes, simulators and the operators. */
export interface World {
  /** A client of the API server holding the Clusters (not the operators'). */
  readonly kube: KubeClient;
  /** For `kubectl --kubeconfig`. */
  readonly kubeconfigYaml: string;
  /** One line about what runs, for the first task's title. */
  readonly description: string;
  /** The machines of a Cluster's nodes. */
  machines(cluster: string): Promise<readonly Machine[]>;
  /**
   * Where the guest API server of a Cluster listens (127.0.0.1 and its port), when the world runs
   * one (KVM: the VM simulator's, HTTPS with the cluster's api certificate).
   */
  guestApi?(cluster: string): { readonly host: string; readonly port: number } | undefined;
  /** What the provider built for a Cluster outside the API server (AWS: EC2 resources by type), if it tells. */
  infrastructure?(cluster: string): string;
  /** Whether everything a deleted Cluster had besides its objects (namespace, network, EC2 resources, Vault mount) is gone. */
  cleanedUp(cluster: string): Promise<boolean>;
  /** Stops the operators, then the simulators and fakes. */
  stop(): Promise<void>;
}

/** What every world's start takes. */
export interface WorldOptions {
  /** Machines the largest Cluster needs (KVM: one VM per host node and cluster). */
  readonly nodes: number;
  /** Operator logs. */
  readonly logger: Logger;
  /** Start the fake Vault sealed, so no CA can become Ready (tests of the not-Ready path). @default false */
  readonly vaultSealed?: boolean;
}

/** The namespace the quick start creates its Clusters in. */
export const QUICKSTART_NAMESPACE = 'default';

/** The host-unique ID of a quick-start Cluster (what its Vault mount, host namespace and EC2 tags are named from). */
export const idOf = (cluster: string): string => clusterId({ namespace: QUICKSTART_NAMESPACE, name: cluster });

/** The Vault mount of a Cluster's PKI. */
export const pkiMount = (cluster: string): string => `pki-${idOf(cluster)}/`;
