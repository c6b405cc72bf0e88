/** A fake host, Vault and EC2 with the aws-operator (and the PKI controllers in its manager), for AWS tests. */
import type { EC2Client } from '@aws-sdk/client-ec2';
import { createAwsOperator, ec2Clients } from '@kubeception/driver-aws';
import { ClusterResource, clusterId, kubeceptionCrds, type Cluster, type ClusterInput, type ProviderDefinition } from '@kubeception/sdk';
import { createKubeClient, type ResourceClient } from '@kubeception/sdk/kube';
import type { Manager } from '@kubeception/sdk/runtime';
import { certOperatorControllers, createVaultPki, nodeBootTokens } from '@kubeception/pki-vault';
import { startFakeEc2, startFakeVault, type FakeKube, type KubeServer, type StartedFakeEc2, type StartedFakeVault } from '@kubeception/testing';
import { startLaneHost } from '../conformance/lane/host.js';
import vault from 'node-vault';
import { pino } from 'pino';

export const AMI = 'ami-0123456789abcdef0';

/** Wraps an EC2 client: `beforeSend` may veto or follow each call (crash injection). */
export type SendHook = (name: string, run: () => Promise<unknown>) => Promise<unknown>;

/** An AWS world: the fakes, and the operators' manager on them. */
export interface AwsWorld {
  /** The host API server: a fresh fake, or a real one on the real server's lane (e2e:kube-apiserver). */
  readonly server: Pick<KubeServer, 'kubeConfig' | 'stop'>;
  /** The fake host, when the world runs on one (its request log, faults). */
  readonly fakeKube: FakeKube | undefined;
  readonly fakeEc2: StartedFakeEc2;
  readonly fakeVault: StartedFakeVault;
  /** The aws-operator, with the CertificateAuthority and Certificate controllers. */
  readonly manager: Manager;
  /** Sends every EC2 call of the operator through `hook` from now on (`undefined`: straight through). */
  setHook(hook: SendHook | undefined): void;
  /** The operators' log lines (with `captureLogs`). */
  logs(): string;
  clusters(): ResourceClient<Cluster, ClusterInput>;
  stop(): Promise<void>;
}

/** Options of {@link startAwsWorld}. */
export interface AwsWorldOptions {
  /** Give nodes single-use wrapped Vault boot tokens in their user data. @default false */
  readonly bootTokens?: boolean;
  /** Keep the operators' logs (debug level) for scanning; otherwise they are silent. @default false */
  readonly captureLogs?: boolean;
  /**
   * Providers whose sub-specs the host's Cluster CRD includes, with their schemas and CEL rules
   * (every operator deploys kvm and aws: `deploy/crds/kubeception-crds.yaml`). @default [] (an
   * open `spec.provider`: the provider part reaches the operator unchecked, which checks it and
   * reports)
   */
  readonly crdProviders?: readonly ProviderDefinition[];
}

/** Starts the fakes, then the aws-operator on them with the PKI controllers in its manager. */
export async function startAwsWorld(options: AwsWorldOptions = {}): Promise<AwsWorld> {
  const { server, fakeKube } = await startLaneHost(kubeceptionCrds({ providers: options.crdProviders ?? [] }));
  const fakeVault = await startFakeVault({ maxLeaseTtl: '876000h' });
  const fakeEc2 = await startFakeEc2({ images: [{ id: AMI, name: 'kubeception-test' }], instanceDelays: { pendingMs: 20, shuttingDownMs: 20 } });
  const ec2 = hookedEc2(fakeEc2);
  const logs: string[] = [];
  const pki = createVaultPki({ client: vault({ endpoint: fakeVault.url, token: fakeVault.rootToken, noCustomHTTPVerbs: true }) });
  const manager = createAwsOperator({
    kube: createKubeClient({ kubeConfig: server.kubeConfig, qps: 0, retry: { maxAttempts: 1 } }),
    ec2: ec2.forRegion,
    pollMs: 10,
    ...(options.bootTokens ? { bootToken: nodeBootTokens(pki), vaultAddr: fakeVault.url } : {}),
    concurrency: 8,
    extraControllers: certOperatorControllers({ pki }),
    shutdownTimeoutMs: 2000,
    // crash tests fail reconciles on purpose
    logger: options.captureLogs ? pino({ level: 'debug' }, { write: (line: string) => void logs.push(line) }) : pino({ level: 'silent' }),
  });
  void manager.start();
  return {
    server,
    fakeKube,
    fakeEc2,
    fakeVault,
    manager,
    setHook: ec2.setHook,
    logs: () => logs.join(''),
    clusters: () => createKubeClient({ kubeConfig: server.kubeConfig, qps: 0 }).resource(ClusterResource),
    stop: async () => {
      await manager.stop();
      ec2.destroy();
      await fakeEc2.close();
      await fakeVault.close();
      await server.stop();
    },
  };
}

/** EC2 clients of the fake EC2 whose calls pass through the hook set last (crash injection). */
function hookedEc2(fakeEc2: StartedFakeEc2): { forRegion(region: string): EC2Client; setHook(hook: SendHook | undefined): void; destroy(): void } {
  const clients = ec2Clients({ endpoint: fakeEc2.url, credentials: { accessKeyId: 'AKIDEXAMPLE', secretAccessKey: 'secret' }, maxAttempts: 3 });
  let hook: SendHook | undefined;
  return {
    forRegion: (region) => {
      const real = clients.forRegion(region);
      const send = (command: object) => real.send(command as never);
      return { send: (command: object) => (hook ? hook(command.constructor.name, () => send(command)) : send(command)) } as unknown as EC2Client;
    },
    setHook: (h) => (hook = h),
    destroy: () => clients.destroy(),
  };
}

/** A small AWS Cluster (1 zone, 1 master, `workers` workers). */
export function awsCluster(name: string, aws: Record<string, unknown> = {}, workers = 1, options: { readonly version?: string } = {}) {
  return {
    apiVersion: 'kubeception.io/v1alpha1',
    kind: 'Cluster',
    metadata: { name, namespace: 'default' },
    spec: {
      provider: {
        aws: { region: 'eu-west-1', instances: { master: { instanceType: 'm5.large', ami: AMI }, worker: { instanceType: 'm5.large', ami: AMI } }, ...aws },
      },
      kubernetes: { version: options.version ?? '1.33.1', api: { domain: `api.${name}.example.com` } },
      ingress: { domain: `${name}.example.com` },
      network: { podCIDR: '10.2.0.0/16' },
      masters: { replicas: 1, cpus: 2, memory: '8Gi', disk: '50Gi' },
      workers: workers > 0 ? [{ name: 'pool', replicas: workers, cpus: 2, memory: '8Gi', disk: '50Gi' }] : [],
    },
  };
}

/** The tag key marking what the Cluster `namespace/name` owns: `kubeception.io/cluster/<cluster-id>`. */
export const ownerTagOf = (cluster: string, namespace = 'default') => `kubeception.io/cluster/${clusterId({ namespace, name: cluster })}`;

/** Resources of the Cluster `namespace/cluster` in the fake account, found by its ownership tag (terminated instances left out). */
export function ownedBy(fakeEc2: StartedFakeEc2, cluster: string, namespace = 'default') {
  const tag = ownerTagOf(cluster, namespace);
  return fakeEc2.state.userResources().filter((r) => r.tags[tag] === 'owned' && !(r.type === 'instance' && (r as { state?: string }).state === 'terminated'));
}

/** The world's fake host, for suites that read its request log (they run on the fake only). */
export function fakeHost(world: AwsWorld): FakeKube {
  if (!world.fakeKube) throw new Error('this suite reads the fake host’s request log: it runs on the fake only');
  return world.fakeKube;
}
