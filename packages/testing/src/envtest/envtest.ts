/**
 * `startEnvtest()`: controller-runtime's envtest for TypeScript — a real etcd, kube-apiserver and
 * kube-controller-manager on free loopback ports, for the tests whose point is fidelity to the real
 * server (the fake, `startFakeKube()`, is the fast default).
 *
 * ## What it does
 * - finds the binaries in `KUBEBUILDER_ASSETS` (or `binaryAssetsDirectory`): build them with
 *   `scripts/envtest/build-kube-apiserver.sh` (Kubernetes 1.20.2; controller-runtime's
 *   `setup-envtest` folders work too, with `controllers: false` since they lack a controller manager);
 * - starts etcd (temporary data dir), kube-apiserver (HTTPS only, a CA and serving certificate made at
 *   start, a service-account signing key, RBAC authorization, an admin identity: client certificate
 *   `kubernetes-admin` in `system:masters`) and kube-controller-manager running only the garbage
 *   collector and namespace controllers; waits for `/readyz`, `/healthz` and the four system
 *   namespaces;
 * - installs `crds` (waiting until Established and served), with `x-kubernetes-validations` stripped
 *   on servers older than 1.25, then creates `objects`;
 * - returns the handle `startFakeKube()` returns where the two overlap ({@link KubeServer}), so one
 *   test body runs against either;
 * - `stop()` stops every process group (SIGTERM, then SIGKILL) and removes the temporary folders;
 *   processes nobody stopped are killed when the Node.js process exits.
 *
 * ## What it does not model
 * Nodes, kubelets, the scheduler and every controller but the garbage collector and namespace
 * lifecycle (no Deployments rolling out, no service-account tokens, no Endpoints); the
 * ServiceAccount admission plugin is off; no fault injection or request log (the fake has them).
 *
 * ## Kubernetes 1.20 (the binaries the build script makes)
 * No CEL validation rules (`x-kubernetes-validations` are stripped, so rules are not enforced), no
 * `policy/v1` (PodDisruptionBudget and eviction are `policy/v1beta1`), no `discovery.k8s.io/v1`
 * (EndpointSlices are `v1beta1`), no server-side field validation (`fieldValidation` is ignored),
 * and watch bookmarks are rare (none in minutes on a quiet watch).
 *
 * @packageDocumentation
 */
import { KubernetesObjectApi, type KubeConfig, type KubernetesObject } from '@kubernetes/client-node';
import type { FakeKube } from '../fake-kube/server.js';
import { kubeConfigFor, kubeconfigYaml, type KubeconfigTarget } from '../fake-kube/kubeconfig.js';
import type { ClientCertificate } from '../fake-kube/server-certificates.js';
import { startEtcd, type EtcdServer } from '../system/etcd.js';
import { createTempDir, type TempDir } from '../system/temp-dir.js';
import { waitUntil, type AdminHttp } from './admin-http.js';
import { binaryVersion, findEnvtestAssets, parseKubeVersion, type EnvtestAssetOptions, type EnvtestAssets, type KubeVersion } from './assets.js';
import { startApiServer, startControllerManager, type ApiServer, type Listening } from './control-plane.js';
import { installCrds, stripCelRules } from './crds.js';
import { EnvtestError, EnvtestErrorKind } from './errors.js';
import { writeControlPlanePki, type ControlPlanePki } from './pki.js';

/** What `startFakeKube()` and `startEnvtest()` both return: enough to run one test body against either. */
export type KubeServer = Pick<FakeKube, 'url' | 'caCertificate' | 'kubeConfig' | 'kubeconfigYaml' | 'issueClientCertificate' | 'stop'>;

/** Options of {@link startEnvtest}. */
export interface EnvtestOptions extends EnvtestAssetOptions {
  /** CustomResourceDefinitions installed at start (e.g. `kubeceptionCrds()`), waited for until served. @default [] */
  readonly crds?: readonly object[];
  /** Objects created at start, after namespaces and CRDs (each needs apiVersion, kind, metadata). @default [] */
  readonly objects?: readonly object[];
  /** Namespaces created at start besides the server's own (`default`, `kube-system`, `kube-public`, `kube-node-lease`). @default [] */
  readonly namespaces?: readonly string[];
  /** The namespace of the kubeconfig context. @default 'default' */
  readonly namespace?: string;
  /** Strip `x-kubernetes-validations` (CEL rules) from `crds` and `installCrds()`. @default true when the server (`/version`) is older than 1.25 */
  readonly stripCelRules?: boolean;
  /** kube-controller-manager's `--controllers`, or `false` to run none (no garbage collection, namespaces never finish terminating). @default ['garbagecollector', 'namespace'] */
  readonly controllers?: readonly string[] | false;
  /** Extra kube-apiserver flags (e.g. `--feature-gates=...`), after the defaults. @default [] */
  readonly apiServerFlags?: readonly string[];
  /** Extra kube-controller-manager flags, after the defaults. @default [] */
  readonly controllerManagerFlags?: readonly string[];
  /** How long each component may take to become ready. @default 60_000 */
  readonly readyTimeoutMs?: number;
  /** How long each process may take to exit after SIGTERM before SIGKILL. @default 10_000 */
  readonly stopTimeoutMs?: number;
}

/** A running real control plane started by {@link startEnvtest}. */
export interface Envtest extends KubeServer {
  /** `https://127.0.0.1:<port>`. */
  readonly url: string;
  /** The PEM certificate of the CA that signed the serving certificate and client certificates. */
  readonly caCertificate: string;
  /** The server's version, from `/version`. */
  readonly version: KubeVersion;
  /** Whether CEL rules are stripped from CRDs installed through this handle. */
  readonly stripsCelRules: boolean;
  /** The binaries running. */
  readonly assets: EnvtestAssets;
  /** etcd's client URL (plain HTTP on loopback). */
  readonly etcdUrl: string;
  /** The processes started (etcd, kube-apiserver, kube-controller-manager), for checks that stop() left none. */
  processes(): readonly { readonly name: string; readonly pid: number }[];
  /** The last log lines of every component (for failure messages). */
  logs(): string;
  /** Installs more CRDs (CEL rules stripped per {@link Envtest.stripsCelRules}) and waits until they are served. */
  installCrds(crds: readonly object[]): Promise<void>;
  /** Stops every process and removes the temporary folders. Safe to call twice. */
  stop(): Promise<void>;
}

const SYSTEM_NAMESPACES = ['default', 'kube-system', 'kube-public', 'kube-node-lease'];
const DEFAULT_CONTROLLERS = ['garbagecollector', 'namespace'];

/** The server's `/version`, parsed. */
async function serverVersion(request: AdminHttp): Promise<KubeVersion> {
  const answer = await request('GET', '/version');
  const version = answer.status === 200 ? parseKubeVersion(String((JSON.parse(answer.body) as { gitVersion?: unknown }).gitVersion ?? '')) : undefined;
  if (version === undefined) throw new EnvtestError(EnvtestErrorKind.NotReady, `GET /version answered ${answer.status}: ${answer.body}`);
  return version;
}

/** Creates `objects` with client-node (which finds their resources by discovery; namespaced ones without a namespace go to the context's). */
async function createObjects(kubeConfig: KubeConfig, objects: readonly object[]): Promise<void> {
  const client = KubernetesObjectApi.makeApiClient(kubeConfig);
  for (const object of objects) {
    const spec = object as KubernetesObject;
    try {
      await client.create(spec);
    } catch (error) {
      throw new EnvtestError(
        EnvtestErrorKind.SeedFailed,
        `creating ${spec.kind ?? '?'} ${spec.metadata?.name ?? '?'} failed: ${error instanceof Error ? error.message : String(error)}`,
        { cause: error },
      );
    }
  }
}

/** Waits until the bootstrap controller has made the system namespaces (it may not have yet at the first `/readyz`). */
function waitForSystemNamespaces(request: AdminHttp, timeoutMs: number): Promise<void> {
  return waitUntil(
    'the system namespaces',
    async () => {
      for (const name of SYSTEM_NAMESPACES) if ((await request('GET', `/api/v1/namespaces/${name}`)).status !== 200) return `namespace ${name} missing`;
      return true;
    },
    { timeoutMs },
  );
}

/** Creates the options' namespaces, then their CRDs (waited for until served), then their objects. */
async function seed(request: AdminHttp, install: (crds: readonly object[]) => Promise<void>, kubeConfig: KubeConfig, options: EnvtestOptions): Promise<void> {
  for (const name of options.namespaces ?? []) {
    const created = await request('POST', '/api/v1/namespaces', { apiVersion: 'v1', kind: 'Namespace', metadata: { name } });
    if (created.status !== 201 && created.status !== 409)
      throw new EnvtestError(EnvtestErrorKind.SeedFailed, `creating namespace ${name} answered ${created.status}: ${created.body}`);
  }
  await install(options.crds ?? []);
  await createObjects(kubeConfig, options.objects ?? []);
}

/** How this control plane runs: from the options, with their defaults. */
interface Settings {
  readonly assets: EnvtestAssets;
  /** The binary's version (flags differ between versions). */
  readonly binVersion: KubeVersion;
  readonly controllers: readonly string[];
  readonly readyTimeoutMs: number;
  readonly stopTimeoutMs: number;
}

/** Finds the binaries (throws `BinariesMissing`) and reads kube-apiserver's version. */
async function settingsOf(options: EnvtestOptions): Promise<Settings> {
  const controllers = options.controllers === false ? [] : (options.controllers ?? DEFAULT_CONTROLLERS);
  const assets = findEnvtestAssets({ ...options, controllerManager: controllers.length > 0 }).match(
    (found) => found,
    (error) => {
      throw error;
    },
  );
  const binVersion = await binaryVersion(assets.kubeApiServer);
  return { assets, binVersion, controllers, readyTimeoutMs: options.readyTimeoutMs ?? 60_000, stopTimeoutMs: options.stopTimeoutMs ?? 10_000 };
}

/** What has been started so far: stopped in reverse order (the controller manager first, etcd last: nobody logs errors about a peer gone first). */
class Started {
  etcd: EtcdServer | undefined;
  readonly components: Listening[] = [];
  private stopped: Promise<void> | undefined;

  constructor(
    private readonly dir: TempDir,
    private readonly stopTimeoutMs: number,
  ) {}

  /** Stops every process and removes the temporary folder. Safe to call twice. */
  stop(): Promise<void> {
    return (this.stopped ??= (async () => {
      for (const component of [...this.components].reverse()) await component.process.stop(this.stopTimeoutMs);
      await this.etcd?.stop();
      await this.dir.remove();
    })());
  }

  /** The last log lines of every component. */
  logs(): string {
    const etcd = this.etcd ? [`== etcd ==\n${this.etcd.log()}`] : [];
    return [...etcd, ...this.components.map((c) => `== ${c.process.name} ==\n${c.process.log()}`)].join('\n');
  }
}

/** The running control plane, before seeding. */
interface ControlPlane {
  readonly etcd: EtcdServer;
  readonly apiServer: ApiServer;
  readonly pki: ControlPlanePki;
  readonly version: KubeVersion;
  readonly target: KubeconfigTarget & { readonly caCertificate: string };
  readonly kubeconfigYaml: string;
}

/** Starts etcd and kube-apiserver, waits for the system namespaces, then starts kube-controller-manager (when it runs any controller). */
async function startControlPlane(options: EnvtestOptions, settings: Settings, dir: string, started: Started): Promise<ControlPlane> {
  const { assets, readyTimeoutMs, stopTimeoutMs } = settings;
  const common = { version: settings.binVersion, dir, readyTimeoutMs, stopTimeoutMs };
  const etcd = (started.etcd = await startEtcd({ program: assets.etcd, readyTimeoutMs, stopTimeoutMs }));
  const pki = await writeControlPlanePki(dir);
  const apiServer = await startApiServer({ ...common, program: assets.kubeApiServer, etcdUrl: etcd.url, pki, extraFlags: options.apiServerFlags ?? [] });
  started.components.push(apiServer);
  const version = await serverVersion(apiServer.request);
  await waitForSystemNamespaces(apiServer.request, readyTimeoutMs);
  const target = { url: apiServer.url, namespace: options.namespace ?? 'default', caCertificate: pki.pki.caCertificate, client: pki.admin };
  const yaml = kubeconfigYaml(target);
  if (settings.controllers.length > 0 && assets.kubeControllerManager !== undefined) {
    const controllerManager = await startControllerManager({
      ...common,
      program: assets.kubeControllerManager,
      kubeconfigYaml: yaml,
      controllers: settings.controllers,
      extraFlags: options.controllerManagerFlags ?? [],
    });
    started.components.push(controllerManager);
  }
  return { etcd, apiServer, pki, version, target, kubeconfigYaml: yaml };
}

/** Seeds the control plane with the options' namespaces, CRDs and objects, and returns its handle. */
async function seededHandle(options: EnvtestOptions, settings: Settings, plane: ControlPlane, started: Started): Promise<Envtest> {
  const { request } = plane.apiServer;
  const { version, pki } = plane;
  const stripsCelRules = options.stripCelRules ?? (version.major === 1 && version.minor < 25);
  const install = (crds: readonly object[]) => installCrds(request, stripsCelRules ? crds.map((crd) => stripCelRules(crd)) : crds, settings.readyTimeoutMs);
  const kubeConfig = kubeConfigFor(plane.target);
  await seed(request, install, kubeConfig, options);
  return {
    url: plane.apiServer.url,
    caCertificate: pki.pki.caCertificate,
    kubeConfig,
    kubeconfigYaml: plane.kubeconfigYaml,
    version,
    stripsCelRules,
    assets: settings.assets,
    etcdUrl: plane.etcd.url,
    processes: () => [{ name: 'etcd', pid: plane.etcd.pid }, ...started.components.map((c) => ({ name: c.process.name, pid: c.process.pid }))],
    logs: () => started.logs(),
    installCrds: install,
    issueClientCertificate: (commonName: string, groups?: readonly string[]): Promise<ClientCertificate> => pki.pki.issueClientCertificate(commonName, groups),
    stop: () => started.stop(),
  };
}

/**
 * Starts a real etcd, kube-apiserver and kube-controller-manager (see the module documentation).
 * Throws an {@link EnvtestError}: `BinariesMissing` (naming `KUBEBUILDER_ASSETS` and the build
 * script) when the binaries are not there, `ProcessExited`/`NotReady` with the component's last log
 * lines, `SeedFailed` when a CRD or object is refused; whatever was started is stopped first.
 *
 * @example
 * ```ts
 * import { startEnvtest } from '@kubeception/testing';
 * import { KubernetesObjectApi } from '@kubernetes/client-node';
 *
 * const kube = await startEnvtest({ crds: operatorCrds }); // KUBEBUILDER_ASSETS set
 * try {
 *   const client = KubernetesObjectApi.makeApiClient(kube.kubeConfig);
 *   // ... exercise the operator against a real kube-apiserver ...
 * } finally {
 *   await kube.stop();
 * }
 * ```
 */
export async function startEnvtest(options: EnvtestOptions = {}): Promise<Envtest> {
  const settings = await settingsOf(options);
  // removed by stop(), or, if nobody calls it, when the process exits (the processes are killed by their own exit hooks)
  const dir = await createTempDir('kubeception-envtest-');
  const started = new Started(dir, settings.stopTimeoutMs);
  try {
    return await seededHandle(options, settings, await startControlPlane(options, settings, dir.path, started), started);
  } catch (error) {
    await started.stop();
    throw error;
  }
}
