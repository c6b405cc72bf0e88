/**
 * `serveFakes`: the simulated host, the fake Vault and the fake EC2 in one process, each on a
 * 127.0.0.1 port, for operators that run as processes of their own (the `kubeception-fakes`
 * command serves them until a signal). It serves what the example operators' `--embedded` modes
 * start in-process, without their sample objects.
 */
import { randomBytes } from 'node:crypto';
import { kubeceptionCrds } from '@kubeception/sdk';
import { errAsync, okAsync, ResultAsync } from 'neverthrow';
import { DEFAULT_IMAGES } from '../fake-ec2/catalog.js';
import { startFakeEc2, type StartedFakeEc2 } from '../fake-ec2/fake-ec2.js';
import { startFakeVault, type StartedFakeVault } from '../fake-vault/fake-vault.js';
import { startVmSimulator, type VmSimulator } from '../kvm/vm-simulator.js';
import { startSimulatedHost, type SimulatedHost } from '../simulated-host/host.js';
import { startError, type FakeService, type FakesError } from './fakes-error.js';
import type { FakesUrls } from './fakes-urls.js';

/** Label of the simulated host's nodes: they may run VMs (the nodeSelector of the sample KVM Cluster). */
export const FAKES_VM_HOST_LABEL = 'kubeception.io/vm-host';

/** The AMI of the sample AWS Cluster (`examples/samples/valid/cluster-aws.yaml`), in the fake EC2's catalogue beside its defaults. */
const SAMPLE_IMAGE = { id: 'ami-0123456789abcdef0', name: 'kubeception-sample' } as const;

/** Options of {@link serveFakes}. Every port is on 127.0.0.1; 0 asks for a free one. */
export interface ServeFakesOptions {
  /** Port of the simulated host's API server (HTTPS, a bearer token). @default 0 */
  readonly kubePort?: number;
  /** Port of the fake Vault (HTTP). @default 0 */
  readonly vaultPort?: number;
  /** Port of the fake EC2 (HTTP, the EC2 Query protocol). @default 0 */
  readonly ec2Port?: number;
  /** Nodes of the simulated host (8 CPUs, 32Gi each), all labelled {@link FAKES_VM_HOST_LABEL}`=true`. @default 4 */
  readonly nodes?: number;
  /** Install `kubeceptionCrds()` (Cluster, CertificateAuthority, Certificate; open provider map). @default true */
  readonly crds?: boolean;
  /** Run the VM simulator on the host (VM addresses, guest API servers and guest Nodes), as the kvm-operator's `--embedded` does. @default true */
  readonly vms?: boolean;
  /** The operators' namespace, created at start (Leases, the KVM network ledger); `POD_NAMESPACE` of {@link RunningFakes.environment}. @default 'kubeception' */
  readonly operatorNamespace?: string;
  /** Told about failures of the simulated components (they are retried). @default kept in `host.failures()` only */
  readonly onError?: (component: string, key: string, error: unknown) => void;
}

/** The running fakes: their URLs and handles, what an operator needs to reach them, and `stop`. */
export interface RunningFakes {
  /** Where each fake answers. */
  readonly urls: FakesUrls;
  /** The simulated host (its fake API server is `host.kube`): nodes, kubelet hooks, faults, request log. */
  readonly host: SimulatedHost;
  /** The fake Vault (its root token is `vault.rootToken`, random per start). */
  readonly vault: StartedFakeVault;
  /** The fake EC2. */
  readonly ec2: StartedFakeEc2;
  /** The VM simulator, unless `vms: false`. */
  readonly vms: VmSimulator | undefined;
  /** A kubeconfig of the host's API server (its CA, a bearer token): a credential, to be written owner-only. */
  readonly kubeconfigYaml: string;
  /**
   * The environment an operator reads, with `KUBECONFIG` set to `kubeconfigPath` (where the caller
   * wrote {@link kubeconfigYaml}): `POD_NAMESPACE`, `VAULT_ADDR`, `VAULT_TOKEN` (the root token),
   * and for the AWS SDK's default chains `AWS_ENDPOINT_URL_EC2`, `AWS_REGION`,
   * `AWS_ACCESS_KEY_ID` and `AWS_SECRET_ACCESS_KEY` (any credentials work on the fake).
   */
  environment(kubeconfigPath: string): Readonly<Record<string, string>>;
  /** Stops the VM simulator, the fake EC2, the fake Vault and the host, closing every connection. */
  stop(): Promise<void>;
}

/** The parts started so far, and how to stop them (last started first). */
class Started {
  private readonly stops: (() => Promise<void>)[] = [];

  /** Starts one part; a failure becomes a {@link FakesError} of `service` on `port`. */
  start<T>(service: FakeService, port: number, begin: () => Promise<T>, stop: (part: T) => Promise<void>): ResultAsync<T, FakesError> {
    return ResultAsync.fromPromise(begin(), (e) => startError(service, port, e)).map((part) => {
      this.stops.unshift(() => stop(part));
      return part;
    });
  }

  /** Stops every part started, last first. */
  async stopAll(): Promise<void> {
    for (const stop of this.stops.splice(0)) await stop();
  }
}

/** The simulated host of {@link serveFakes}: HTTPS with a bearer token, VM hosts, a kubelet that stops containers in moments. */
function startHost(options: ServeFakesOptions, namespace: string): Promise<SimulatedHost> {
  const nodes = Array.from({ length: options.nodes ?? 4 }, (_, i) => ({ name: `host-${i}`, labels: { [FAKES_VM_HOST_LABEL]: 'true' } }));
  return startSimulatedHost({
    port: options.kubePort ?? 0,
    tls: true,
    bearerToken: true,
    crds: options.crds === false ? [] : kubeceptionCrds(),
    namespaces: ['default', 'kube-system', 'kube-public', 'kube-node-lease', namespace],
    nodes,
    // a guest powers off on its ACPI shutdown in moments, not in the VM pod's 120 s grace period
    kubelet: { stopDelayMs: 200 },
    ...(options.onError ? { onError: options.onError } : {}),
  });
}

/** The environment of {@link RunningFakes.environment}. */
function operatorEnvironment(urls: FakesUrls, vaultToken: string, namespace: string, kubeconfigPath: string): Record<string, string> {
  return {
    KUBECONFIG: kubeconfigPath,
    POD_NAMESPACE: namespace,
    VAULT_ADDR: urls.vault,
    VAULT_TOKEN: vaultToken,
    AWS_ENDPOINT_URL_EC2: urls.ec2,
    AWS_REGION: 'us-east-1',
    AWS_ACCESS_KEY_ID: 'AKIDEXAMPLE',
    AWS_SECRET_ACCESS_KEY: 'kubeception-fakes',
  };
}

/**
 * Serves the simulated host (with the Kubeception CRDs and the operators' namespace), the fake
 * Vault and the fake EC2 on 127.0.0.1 ports, and the VM simulator on the host. Their state lives
 * as long as this process: operators may disconnect, crash and come back. A port in use is a
 * `PortInUse` error, and whatever had started is stopped again.
 *
 * @example
 * ```ts
 * import { serveFakes } from '@kubeception/testing';
 *
 * const fakes = (await serveFakes({ kubePort: 6443 }))._unsafeUnwrap();
 * writeFileSync('kubeconfig', fakes.kubeconfigYaml, { mode: 0o600 });
 * spawn('node', ['dist/main.js'], { env: { ...process.env, ...fakes.environment('kubeconfig') } });
 * // … kill the operator, start it again: the fakes keep every object …
 * await fakes.stop();
 * ```
 */
export function serveFakes(options: ServeFakesOptions = {}): ResultAsync<RunningFakes, FakesError> {
  const namespace = options.operatorNamespace ?? 'kubeception';
  const started = new Started();
  const vaultToken = `hvs.${randomBytes(18).toString('base64url')}`;
  return started
    .start(
      'kube',
      options.kubePort ?? 0,
      () => startHost(options, namespace),
      (host) => host.stop(),
    )
    .andThen((host) =>
      started
        .start(
          'vault',
          options.vaultPort ?? 0,
          () => startFakeVault({ port: options.vaultPort ?? 0, rootToken: vaultToken, maxLeaseTtl: '876000h' }),
          (v) => v.close(),
        )
        .map((vault) => ({ host, vault })),
    )
    .andThen((parts) =>
      started
        .start(
          'ec2',
          options.ec2Port ?? 0,
          () =>
            startFakeEc2({ port: options.ec2Port ?? 0, images: [...DEFAULT_IMAGES, SAMPLE_IMAGE], instanceDelays: { pendingMs: 200, shuttingDownMs: 200 } }),
          (e) => e.close(),
        )
        .map((ec2) => ({ ...parts, ec2 })),
    )
    .andThen((parts) =>
      (options.vms === false
        ? okAsync(undefined)
        : started.start(
            'kube',
            0,
            () => startVmSimulator(parts.host),
            (v) => v.stop(),
          )
      ).map((vms) => ({ ...parts, vms })),
    )
    .map(({ host, vault, ec2, vms }): RunningFakes => {
      const urls = { kube: host.kube.url, vault: vault.url, ec2: ec2.url };
      return {
        urls,
        host,
        vault,
        ec2,
        vms,
        kubeconfigYaml: host.kubeconfigYaml,
        environment: (kubeconfigPath) => operatorEnvironment(urls, vaultToken, namespace, kubeconfigPath),
        stop: () => started.stopAll(),
      };
    })
    .orElse((error) => ResultAsync.fromSafePromise(started.stopAll()).andThen(() => errAsync(error)));
}
