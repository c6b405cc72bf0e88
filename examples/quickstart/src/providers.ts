/** Per provider: the sample, how to start the world, the steps and the provider's summary lines. */
import type { ClusterInput } from '@kubeception/sdk';
import { startAwsWorld } from './aws-world.js';
import { startKvmWorld } from './kvm-world.js';
import { AWS_STEPS, KVM_STEPS, type Snapshot, type Step } from './progress.js';
import { sampleAmis } from './sample.js';
import type { World, WorldOptions } from './world.js';

/** Everything the quick start does differently per provider. */
export interface Provider {
  readonly name: 'kvm' | 'aws';
  /** File in `examples/samples/valid/`. */
  readonly sample: string;
  start(options: WorldOptions, clusters: readonly ClusterInput[]): Promise<World>;
  readonly steps: readonly Step[];
  /** The summary's network line (without indentation). */
  network(snapshot: Snapshot): string;
  /** Kinds for the kubectl hint. */
  readonly kubectlKinds: string;
  /** What {@link World.cleanedUp} checked, for the deletion report. */
  readonly cleanedUp: string;
}

export const PROVIDERS: Readonly<Record<Provider['name'], Provider>> = {
  kvm: {
    name: 'kvm',
    sample: 'cluster-kvm.yaml',
    start: (options) => startKvmWorld(options),
    steps: KVM_STEPS,
    network: ({ cluster }) => {
      const network = cluster?.status?.network;
      return `network: flannel ${network?.flannel?.network ?? '?'} VNI ${network?.flannel?.vni ?? '?'}, pods ${network?.podCIDR ?? '?'}`;
    },
    kubectlKinds: 'kc,kca,kcert,pods',
    cleanedUp: 'host namespace, network and Vault mount cleaned up',
  },
  aws: {
    name: 'aws',
    sample: 'cluster-aws.yaml',
    start: (options, clusters) => startAwsWorld({ ...options, amis: sampleAmis(clusters) }),
    steps: AWS_STEPS,
    network: ({ cluster, infrastructure }) => {
      const aws = (cluster?.spec.provider as { aws?: { vpcCIDR?: string; region?: string } } | undefined)?.aws;
      return `network: VPC ${aws?.vpcCIDR ?? '?'} in ${aws?.region ?? '?'} (${infrastructure}), pods ${cluster?.status?.network?.podCIDR ?? cluster?.spec.network?.podCIDR ?? '?'}`;
    },
    kubectlKinds: 'kc,kca,kcert',
    cleanedUp: 'EC2 resources and Vault mount cleaned up',
  },
};
