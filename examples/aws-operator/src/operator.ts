/** The aws-operator: the Cluster controller with the AWS driver (and, embedded, the PKI controllers). */
import { EC2Client } from '@aws-sdk/client-ec2';
import { createAwsDriver } from '@kubeception/driver-aws';
import {
  clusterPki,
  createCertificateAuthorityController,
  createCertificateController,
  createVaultPki,
  nodeRoles,
  type VaultClient,
} from '@kubeception/pki-vault';
import type { ClusterCoordinates, SecretValue } from '@kubeception/sdk';
import type { KubeClient } from '@kubeception/sdk/kube';
import { createManager, type Controller, type LeaderElectionOptions, type Manager } from '@kubeception/sdk/runtime';
import type { Logger } from 'pino';
import { createClusterController } from '@kubeception/sdk/cluster';

/** Options of {@link createAwsOperator}. */
export interface AwsOperatorOptions {
  readonly kube: KubeClient;
  /** An EC2 client per region. @default the SDK's default credential chain */
  readonly ec2?: (region: string) => EC2Client;
  /** Also run the CertificateAuthority and Certificate controllers on this Vault. @default no (the cert-operator runs them) */
  readonly vault?: VaultClient;
  /** @default false */
  readonly leaderElection?: false | LeaderElectionOptions;
  readonly http?: { readonly port: number; readonly host?: string };
  readonly logger?: Logger;
  readonly handleSignals?: boolean;
  /** Driver pace. @default 1000 */
  readonly pollMs?: number;
  /** Give nodes single-use wrapped Vault boot tokens (see the driver README, "Node boot"). @default none */
  readonly bootTokens?: { readonly vault: VaultClient; readonly vaultAddr: string };
  /**
   * Value of the `kubeception.io/managed-by` tag on everything the driver creates; the IAM policy
   * (`deploy/iam-policy.json`) must require the same value. @default 'kubeception'
   */
  readonly managedBy?: string;
}

export function createAwsOperator(options: AwsOperatorOptions): Manager {
  const clients = new Map<string, EC2Client>();
  const ec2 =
    options.ec2 ??
    ((region: string) => {
      let client = clients.get(region);
      if (!client) clients.set(region, (client = new EC2Client({ region, retryMode: 'adaptive', maxAttempts: 5 })));
      return client;
    });
  const boot = options.bootTokens;
  const bootPki = boot ? createVaultPki({ client: boot.vault }) : undefined;
  const driver = createAwsDriver({
    ec2,
    ...(options.pollMs ? { pollMs: options.pollMs } : {}),
    ...(options.managedBy ? { managedBy: options.managedBy } : {}),
    ...(boot && bootPki
      ? {
          vaultAddr: boot.vaultAddr,
          bootToken: (cluster: ClusterCoordinates, node: { readonly role: 'master' | 'worker' }) =>
            bootPki
              .issueToken({ cluster, roles: nodeRoles(node.role), ttl: '1h', wrapTTL: '10m' })
              .map((t) => t.wrappingToken as SecretValue)
              .mapErr((e) => ({ kind: 'Transient' as const, message: e.message })),
        }
      : {}),
  });
  const controllers: Controller[] = [createClusterController({ driver, pki: clusterPki })];
  if (options.vault) {
    const pki = createVaultPki({ client: options.vault });
    controllers.push(createCertificateAuthorityController({ pki }), createCertificateController({ pki }));
  }
  return createManager({
    name: 'aws-operator',
    kube: options.kube,
    controllers,
    leaderElection: options.leaderElection ?? false,
    ...(options.http ? { http: options.http } : {}),
    ...(options.logger ? { logger: options.logger } : {}),
    ...(options.handleSignals ? { handleSignals: true } : {}),
  });
}
