/**
 * `@kubeception/tests` (private, never published): this repository's own cross-package suites,
 * and the worlds they run in, exported for the bench and for other workspace packages' tests.
 *
 * A world is the fakes of `@kubeception/testing` plus the operators of this repository wired
 * together: the KVM world (a simulated host with the VM simulator, a fake Vault, the Cluster
 * controller on the KVM driver and the PKI controllers), in one thread or with its fakes in a
 * worker thread; the AWS world (a fake host API server, fake Vault and fake EC2 with the Cluster
 * controller on the AWS driver). Users of the published packages assemble their own from the
 * same fakes.
 */

// KVM: simulated host + VM simulator + fake Vault, the Cluster controller on the KVM driver, PKI
export {
  FLANNEL_TLS_SECRET,
  hostNamespace,
  KVM_OPERATOR_AGENT,
  kvmClusterInput,
  OPERATOR_NAMESPACE,
  startKvmFakes,
  startKvmOperators,
  startKvmWorld,
} from './kvm/kvm-world.js';
export type { KvmFakeEndpoints, KvmFakes, KvmOperators, KvmWorld, KvmWorldOptions } from './kvm/kvm-world.js';
export { startKvmWorldInWorker } from './kvm/kvm-world-remote.js';
export type { RemoteKvmWorld, RemoteRequest, RemoteVaultRequest } from './kvm/kvm-world-remote.js';

// kubeception-fakes as a process of its own (the process tests, the clients' bench)
export { startFakesProcess } from './process/fakes-process.js';
export type { FakesProcess, FakesProcessOptions, FakesReady } from './process/fakes-process.js';

// AWS: fake host API + fake Vault + fake EC2, the Cluster controller on the AWS driver, PKI
export { AMI, awsCluster, ownedBy, ownerTagOf, startAwsWorld } from './aws/aws-world.js';
export type { AwsWorld, AwsWorldOptions, SendHook } from './aws/aws-world.js';
