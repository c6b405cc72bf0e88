/**
 * `serveFakes`: the simulated host, the fake Vault and the fake EC2 in one process, each on a
 * 127.0.0.1 port, for operators that run as processes of their own (the `kubeception-fakes`
 * command serves them until a signal). It serves what the example operators' `--embedded` modes
 * start in-process, without their sample objects, and what those modes do without: the guest API
 * servers behind one TLS passthrough port, and (on request) a real etcd for flannel.
 */
import { randomBytes } from 'node:crypto';
import { kubeceptionCrds } from '@kubeception/sdk';
import { errAsync, okAsync, ResultAsync } from 'neverthrow';
import { DEFAULT_IMAGES } from '../fake-ec2/catalog.js';
import { startFakeEc2, type StartedFakeEc2 } from '../fake-ec2/fake-ec2.js';
import { startFakeVault, type StartedFakeVault } from '../fake-vault/fake-vault.js';
import { startVmSimulator, type VmSimulator } from '../kvm/vm-simulator.js';
import { startSimulatedHost, type SimulatedHost, type SimulatedHostOptions } from '../simulated-host/host.js';
import { startEtcd, type EtcdServer, type StartEtcdOptions } from '../system/etcd.js';
import { startError, type FakeService, type FakesError } from './fakes-error.js';
import type { FakesUrls } from './fakes-urls.js';
import { startTlsPassthrough } from './tls-passthrough.js';

/** Label of the simulated host's nodes: they may run VMs (the nodeSelector of the sample KVM Cluster). */
export const FAKES_VM_HOST_LABEL = 'kubeception.io/vm-host';

/** The AMI of the sample AWS Cluster (`examples/samples/valid/cluster-aws.yaml`), in the fake EC2's catalogue beside its defaults. */
const SAMPLE_IMAGE = { id: 'ami-0123456789abcdef0', name: 'kubeception-sample' } as const;

/** Options of {@link serveFakes}. Every port is on 127.0.0.1; 0 asks for a free one. `onError` goes to the simulated host. */
export interface ServeFakesOptions extends Pick<SimulatedHostOptions, 'onError'> {
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
  /**
   * Run the VM simulator on the host (VM addresses, guest API servers and guest Nodes), as the
   * kvm-operator's `--embedded` does, but with HTTPS guests (`guestTls`: each serves its
   * Cluster's `api` certificate and authenticates clients by certificates of the Cluster's CA)
   * behind a TLS passthrough on {@link guestApiPort}. @default true
   */
  readonly vms?: boolean;
  /** Port of the guest API servers' TLS passthrough (with `vms`), routing by server name (SNI). @default 0 */
  readonly guestApiPort?: number;
  /**
   * Also run a real etcd (Debian's `etcd` from `PATH`) on free ports, for the kvm-operator's host
   * mode (`FLANNEL_ETCD_ENDPOINTS`); `StartEtcdOptions` to choose its binary or timeouts. A missing
   * etcd is a `StartFailed` error. @default false
   */
  readonly flannelEtcd?: boolean | StartEtcdOptions;
  /** The operators' namespace, created at start (Leases, the KVM network ledger); `POD_NAMESPACE` of {@link RunningFakes.environment}. @default 'kubeception' */
  readonly operatorNamespace?: string;
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
  /** The VM simulator (HTTPS guests), unless `vms: false`. */
  readonly vms: VmSimulator | undefined;
  /** The guest API servers' TLS passthrough (`https://127.0.0.1:<port>`, routing by server name), with the VM simulator. */
  readonly guestApi: { readonly url: string; readonly port: number } | undefined;
  /** The flannel etcd, with `flannelEtcd`. */
  readonly flannelEtcd: EtcdServer | undefined;
  /** A kubeconfig of the host's API server (its CA, a bearer token): a credential, to be written owner-only. */
  readonly kubeconfigYaml: string;
  /**
   * The environment an operator reads, with `KUBECONFIG` set to `kubeconfigPath` (where the caller
   * wrote {@link kubeconfigYaml}): `POD_NAMESPACE`, `VAULT_ADDR`, `VAULT_TOKEN` (the root token),
   * and for the AWS SDK's default chains `AWS_ENDPOINT_URL_EC2`, `AWS_REGION`,
   * `AWS_ACCESS_KEY_ID` and `AWS_SECRET_ACCESS_KEY` (any credentials work on the fake); with the
   * VM simulator the kvm-operator's `GUEST_API_DIAL` (the passthrough's `127.0.0.1:<port>`), with
   * the flannel etcd its `FLANNEL_ETCD_ENDPOINTS`.
   */
  environment(kubeconfigPath: string): Readonly<Record<string, string>>;
  /** Stops the flannel etcd, the passthrough, the VM simulator, the fake EC2, the fake Vault and the host, closing every connection. */
  stop(): Promise<void>;
}

/** One part of the fakes: what it is, on which port, how to start and stop it. */
interface Part<T> {
  readonly service: FakeService;
  readonly port: number;
  readonly start: () => Promise<T>;
  readonly stop: (part: T) => Promise<void>;
}

/** `parts` with `part` as `key`. */
type With<P, K extends string, T> = P & { readonly [k in K]: T };

/** The parts started so far, and how to stop them (last started first). */
class Started {
  private readonly stops: (() => Promise<void>)[] = [];

  /** Starts one more part and adds it to `parts` as `key`; a failure becomes a {@link FakesError} of its service and port. */
  add<P extends object, K extends string, T>(parts: P, key: K, part: Part<T>): ResultAsync<With<P, K, T>, FakesError> {
    return ResultAsync.fromPromise(part.start(), (e) => startError(part.service, part.port, e)).map((started) => {
      this.stops.unshift(() => part.stop(started));
      return { ...parts, [key]: started } as With<P, K, T>;
    });
  }

  /** {@link add} when `wanted`; else `key` is `undefined`. */
  addIf<P extends object, K extends string, T>(wanted: boolean, parts: P, key: K, part: Part<T>): ResultAsync<With<P, K, T | undefined>, FakesError> {
    return wanted ? this.add(parts, key, part) : okAsync({ ...parts, [key]: undefined } as With<P, K, undefined>);
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
    ...(urls.guestApi ? { GUEST_API_DIAL: new URL(urls.guestApi).host } : {}),
    ...(urls.flannelEtcd ? { FLANNEL_ETCD_ENDPOINTS: urls.flannelEtcd } : {}),
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
  const { kubePort = 0, vaultPort = 0, ec2Port = 0, guestApiPort = 0 } = options;
  const images = [...DEFAULT_IMAGES, SAMPLE_IMAGE];
  return started
    .add({}, 'host', { service: 'kube', port: kubePort, start: () => startHost(options, namespace), stop: (host) => host.stop() })
    .andThen((parts) =>
      started.add(parts, 'vault', {
        service: 'vault',
        port: vaultPort,
        start: () => startFakeVault({ port: vaultPort, rootToken: vaultToken, maxLeaseTtl: '876000h' }),
        stop: (vault) => vault.close(),
      }),
    )
    .andThen((parts) =>
      started.add(parts, 'ec2', {
        service: 'ec2',
        port: ec2Port,
        start: () => startFakeEc2({ port: ec2Port, images, instanceDelays: { pendingMs: 200, shuttingDownMs: 200 } }),
        stop: (ec2) => ec2.close(),
      }),
    )
    .andThen((parts) =>
      started.addIf(options.vms !== false, parts, 'vms', {
        service: 'kube',
        port: 0,
        start: () => startVmSimulator(parts.host, { guestTls: true }),
        stop: (vms) => vms.stop(),
      }),
    )
    .andThen((parts) =>
      started.addIf(parts.vms !== undefined, parts, 'guestApi', {
        service: 'guestApi',
        port: guestApiPort,
        start: () => startTlsPassthrough({ port: guestApiPort, route: (name) => parts.vms?.guestAddressByServerName(name) }),
        stop: (proxy) => proxy.stop(),
      }),
    )
    .andThen((parts) => {
      const etcdOptions = typeof options.flannelEtcd === 'object' ? options.flannelEtcd : {};
      return started.addIf(Boolean(options.flannelEtcd), parts, 'flannelEtcd', {
        service: 'flannelEtcd',
        port: 0,
        start: () => startEtcd(etcdOptions),
        stop: (etcd) => etcd.stop(),
      });
    })
    .map((parts) =>
      runningFakes(
        parts,
        () => started.stopAll(),
        (urls, path) => operatorEnvironment(urls, vaultToken, namespace, path),
      ),
    )
    .orElse((error) => ResultAsync.fromSafePromise(started.stopAll()).andThen(() => errAsync(error)));
}

/** The handle of {@link serveFakes} on its started parts. */
function runningFakes(
  parts: Pick<RunningFakes, 'host' | 'vault' | 'ec2' | 'vms' | 'guestApi' | 'flannelEtcd'>,
  stop: () => Promise<void>,
  environment: (urls: FakesUrls, kubeconfigPath: string) => Record<string, string>,
): RunningFakes {
  const { host, vault, ec2, guestApi, flannelEtcd } = parts;
  const urls: FakesUrls = {
    kube: host.kube.url,
    vault: vault.url,
    ec2: ec2.url,
    ...(guestApi ? { guestApi: guestApi.url } : {}),
    ...(flannelEtcd ? { flannelEtcd: flannelEtcd.url } : {}),
  };
  return { ...parts, urls, kubeconfigYaml: host.kubeconfigYaml, environment: (kubeconfigPath) => environment(urls, kubeconfigPath), stop };
}
