/**
 * Starting kube-apiserver and kube-controller-manager on free loopback ports (internal): their
 * flags, and waiting until each answers its health endpoint.
 */
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { freePort } from '../system/etcd.js';
import { adminHttp, waitUntil, type AdminHttp } from './admin-http.js';
import type { KubeVersion } from './assets.js';
import { EnvtestError, EnvtestErrorKind } from './errors.js';
import type { ControlPlanePki } from './pki.js';
import { startProcess, type ManagedProcess } from './process.js';

/** A component listening on a port. */
export interface Listening {
  readonly process: ManagedProcess;
  readonly port: number;
}

/** How one component is started and checked. */
interface ComponentSpec {
  readonly name: string;
  readonly program: string;
  readonly args: (port: number) => string[];
  /** `true` when ready, else what it answered. */
  readonly ready: (port: number) => Promise<true | string>;
  readonly readyTimeoutMs: number;
  readonly stopTimeoutMs: number;
}

const ATTEMPTS = 3;

const exitedError = (proc: ManagedProcess) => new EnvtestError(EnvtestErrorKind.ProcessExited, `${proc.name} exited before it was ready:\n${proc.log()}`);

/**
 * Starts a component on a free port and waits until it is ready; tries another port when the
 * chosen one was taken in between (the component exits with "address already in use").
 */
async function startListening(spec: ComponentSpec): Promise<Listening> {
  for (let attempt = 1; ; attempt++) {
    const port = await freePort();
    const proc = await startProcess(spec.name, spec.program, spec.args(port));
    try {
      await waitUntil(`${spec.name} on port ${port}`, () => spec.ready(port), {
        timeoutMs: spec.readyTimeoutMs,
        abort: () => (proc.exited() ? exitedError(proc) : undefined),
      });
      return { process: proc, port };
    } catch (error) {
      await proc.stop(spec.stopTimeoutMs);
      const clash = proc.log().includes('address already in use');
      if (!clash || attempt >= ATTEMPTS) {
        if (error instanceof EnvtestError && error.kind === EnvtestErrorKind.NotReady) throw new EnvtestError(error.kind, `${error.message}\n${proc.log()}`);
        throw error;
      }
    }
  }
}

/** What starting either component takes, besides its own settings. */
export interface ComponentOptions {
  readonly program: string;
  /** The binary's version: flags removed in later versions are passed only to older ones. */
  readonly version: KubeVersion;
  /** The control plane's temporary folder (certificates, kubeconfigs). */
  readonly dir: string;
  /** Flags after the defaults. */
  readonly extraFlags: readonly string[];
  readonly readyTimeoutMs: number;
  readonly stopTimeoutMs: number;
}

/** Where and how the API server runs. */
export interface ApiServerSpec extends ComponentOptions {
  readonly etcdUrl: string;
  readonly pki: ControlPlanePki;
}

/** A running kube-apiserver: its URL and a client authenticated as the admin. */
export interface ApiServer extends Listening {
  readonly request: AdminHttp;
  readonly url: string;
}

/** kube-apiserver's flags: what controller-runtime's envtest passes, plus the service-account keys 1.20 requires. */
function apiServerFlags(spec: ApiServerSpec, port: number): string[] {
  const { files } = spec.pki;
  return [
    '--advertise-address=127.0.0.1',
    '--bind-address=127.0.0.1',
    `--secure-port=${port}`,
    ...(spec.version.minor < 24 ? ['--insecure-port=0'] : []), // 1.20 listens on 8080 otherwise
    `--etcd-servers=${spec.etcdUrl}`,
    `--cert-dir=${join(spec.dir, 'apiserver-certs')}`,
    `--tls-cert-file=${files.servingCertificate}`,
    `--tls-private-key-file=${files.servingKey}`,
    `--client-ca-file=${files.caCertificate}`,
    '--service-account-issuer=https://kubernetes.default.svc.cluster.local',
    `--service-account-key-file=${files.serviceAccountPublicKey}`,
    `--service-account-signing-key-file=${files.serviceAccountKey}`,
    '--service-cluster-ip-range=10.0.0.0/24',
    '--authorization-mode=RBAC',
    // no service-account controller runs: pods need no ServiceAccount (as on the fake)
    '--disable-admission-plugins=ServiceAccount',
    '--allow-privileged=true',
    ...spec.extraFlags,
  ];
}

/** Starts kube-apiserver and waits until `/readyz` answers 200 to the admin. */
export async function startApiServer(spec: ApiServerSpec): Promise<ApiServer> {
  const tls = { caCertificate: spec.pki.pki.caCertificate, client: spec.pki.admin };
  const listening = await startListening({
    name: 'kube-apiserver',
    program: spec.program,
    args: (port) => apiServerFlags(spec, port),
    ready: async (port) => {
      const answer = await adminHttp(`https://127.0.0.1:${port}`, tls)('GET', '/readyz');
      return answer.status === 200 || `${answer.status} ${answer.body.slice(0, 200)}`;
    },
    readyTimeoutMs: spec.readyTimeoutMs,
    stopTimeoutMs: spec.stopTimeoutMs,
  });
  const url = `https://127.0.0.1:${listening.port}`;
  return { ...listening, url, request: adminHttp(url, tls) };
}

/** Where and how the controller manager runs. */
export interface ControllerManagerSpec extends ComponentOptions {
  /** The admin kubeconfig (YAML) it talks to the API server with. */
  readonly kubeconfigYaml: string;
  /** Its `--controllers`. */
  readonly controllers: readonly string[];
}

/** Starts kube-controller-manager with only `controllers`, and waits until `/healthz` answers 200. */
export async function startControllerManager(spec: ControllerManagerSpec): Promise<Listening> {
  const kubeconfig = join(spec.dir, 'controller-manager.kubeconfig');
  await writeFile(kubeconfig, spec.kubeconfigYaml, { mode: 0o600 });
  const certDir = join(spec.dir, 'controller-manager-certs');
  await mkdir(certDir);
  return startListening({
    name: 'kube-controller-manager',
    program: spec.program,
    args: (port) => [
      `--kubeconfig=${kubeconfig}`,
      `--authentication-kubeconfig=${kubeconfig}`,
      `--authorization-kubeconfig=${kubeconfig}`,
      `--controllers=${spec.controllers.join(',')}`,
      '--leader-elect=false',
      '--bind-address=127.0.0.1',
      `--secure-port=${port}`,
      ...(spec.version.minor < 24 ? ['--port=0'] : []), // 1.20 listens on 10252 otherwise
      `--cert-dir=${certDir}`,
      ...spec.extraFlags,
    ],
    ready: async (port) => {
      const answer = await adminHttp(`https://127.0.0.1:${port}`, {})('GET', '/healthz');
      return answer.status === 200 || `${answer.status} ${answer.body.slice(0, 200)}`;
    },
    readyTimeoutMs: spec.readyTimeoutMs,
    stopTimeoutMs: spec.stopTimeoutMs,
  });
}
