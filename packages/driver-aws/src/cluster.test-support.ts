/**
 * Test support: the AWS Clusters the driver's tests plan and build, written once — a valid
 * manifest in eu-west-1 (m5.large masters and workers of {@link AMI}) differing only where a test
 * says, validated with the AWS provider.
 */
import { validateCluster, type Cluster, type Persisted } from '@kubeception/sdk';
import { provider, type AwsSpec } from './provider-spec.js';

/** The image every test Cluster boots. */
export const AMI = 'ami-0123456789abcdef0';

/** What a test Cluster differs in. */
export interface TestClusterOptions {
  /** Its name; the API and ingress domains follow from it. */
  readonly name: string;
  readonly namespace: string;
  /** @default none (as a user writes it) */
  readonly uid?: string;
  /** `metadata.generation`. @default none (as a user writes it) */
  readonly generation?: number;
  /** Over the defaults of `spec.provider.aws` (region and instances). */
  readonly aws?: Record<string, unknown>;
  /** Masters. @default 1 */
  readonly masters?: number;
  /** Over its one worker pool: `pool`, 1 replica of 2 CPUs, 8Gi memory and a 50Gi disk. */
  readonly pool?: Record<string, unknown>;
}

/** The manifest of a test Cluster, as a user writes it. */
export function testClusterManifest(options: TestClusterOptions) {
  const { name, namespace, uid, generation } = options;
  const instance = { instanceType: 'm5.large', ami: AMI };
  return {
    apiVersion: 'kubeception.io/v1alpha1',
    kind: 'Cluster',
    metadata: { name, namespace, ...(uid === undefined ? {} : { uid }), ...(generation === undefined ? {} : { generation }) },
    spec: {
      provider: { aws: { region: 'eu-west-1', instances: { master: instance, worker: instance }, ...options.aws } },
      kubernetes: { version: '1.33.1', api: { domain: `api.${name}.example.com` } },
      ingress: { domain: `${name}.example.com` },
      network: { podCIDR: '10.2.0.0/16' },
      masters: { replicas: options.masters ?? 1, cpus: 2, memory: '8Gi', disk: '50Gi' },
      workers: [{ name: 'pool', replicas: 1, cpus: 2, memory: '8Gi', disk: '50Gi', ...options.pool }],
    },
  };
}

/** A test Cluster, validated (defaults applied) with the AWS provider. */
export function testCluster(options: TestClusterOptions): Persisted<Cluster> {
  return validateCluster(testClusterManifest(options), { providers: [provider] })._unsafeUnwrap() as unknown as Persisted<Cluster>;
}

/** The parsed `spec.provider.aws` of a Cluster. */
export const awsSpecOf = (cluster: Cluster): AwsSpec => (cluster.spec.provider as { aws: AwsSpec }).aws;
