/** `startFakeKube`: the HTTP(S) server and its wiring (serving one request: ./request-handler.ts). */
import { randomBytes } from 'node:crypto';
import http from 'node:http';
import https from 'node:https';
import type { AddressInfo } from 'node:net';
import type { KubeClient } from '@kubeception/sdk/kube';
import type { KubeConfig } from '@kubernetes/client-node';
import { Controllers } from './controllers.js';
import { FaultEngine, type Faults } from './faults.js';
import type { HandlerContext } from './handlers.js';
import { KubeApi, type WriteOptions } from './kube-api.js';
import { kubeConfigFor, kubeconfigYaml, type KubeconfigTarget } from './kubeconfig.js';
import { Lister } from './list.js';
import { localKubeClient, type LocalClientOptions } from './local-client.js';
import { rbacAuthorization } from './rbac/rbac-authorization.js';
import { requestHandler } from './request-handler.js';
import { createRequestLog, type RequestLog } from './request-log.js';
import type { ClientCertificate, ServerPki } from './server-certificates.js';
import { isObject } from './types.js';
import { WatchHub } from './watch-hub.js';

/** Options of {@link startFakeKube}. */
export interface FakeKubeOptions {
  /** Namespaces that exist at start. @default ['default', 'kube-system', 'kube-public', 'kube-node-lease'] */
  readonly namespaces?: readonly string[];
  /** CustomResourceDefinitions installed at start (e.g. `kubeceptionCrds()`). @default [] */
  readonly crds?: readonly object[];
  /** Objects created at start, after namespaces and CRDs (each needs apiVersion, kind, metadata). @default [] */
  readonly objects?: readonly object[];
  /** The namespace of the kubeconfig context. @default 'default' */
  readonly namespace?: string;
  /**
   * Watch events kept for resuming watches, one history for all kinds (the fake's analogue of
   * etcd compaction and the watch cache's window); older resourceVersions get 410 Gone, as do
   * resourceVersions from before a custom resource's CRD was served. @default 10000
   */
  readonly historySize?: number;
  /** Interval of BOOKMARK events on watches that allow them (client-node times out after 30 s idle). @default 5000 */
  readonly bookmarkIntervalMs?: number;
  /** Requests kept in the request log. @default 100000 */
  readonly requestLogLimit?: number;
  /** TCP port on 127.0.0.1. @default 0 (a free port) */
  readonly port?: number;
  /**
   * Serve HTTPS with a CA and a server certificate (for `127.0.0.1` and `localhost`, ECDSA P-256)
   * generated at start; the kubeconfigs then carry the CA and verify TLS. Or serve with a given
   * certificate, as a guest cluster's API server serves its own: its CA is then the one the
   * kubeconfigs carry and, with `clientCertificates`, the one client certificates must chain to
   * (the fake cannot sign any: its kubeconfigs carry none). @default false (plain HTTP)
   */
  readonly tls?: boolean | ServingCertificate;
  /**
   * With `tls`: authenticate clients by X.509 certificate, as kube-apiserver does with
   * `--client-ca-file` and anonymous requests off. A request without a certificate signed by the
   * server's CA is answered 401 Unauthorized, and the request log records each request's `user`
   * (the certificate's common name). The kubeconfigs carry a certificate for `kubernetes-admin`
   * (organization `system:masters`); `issueClientCertificate` signs others. @default false
   */
  readonly clientCertificates?: boolean;
  /**
   * Authenticate clients by bearer token, as kube-apiserver does with a static token file and
   * anonymous requests off: a request without `Authorization: Bearer <token>` is answered 401
   * Unauthorized. `true` generates a random token. The kubeconfigs carry it (without this option
   * they carry a placeholder the server ignores). Ignored with `clientCertificates`.
   * @default undefined (any client is served)
   */
  readonly bearerToken?: string | true;
  /**
   * Delete pods gracefully like kube-apiserver: a pod bound to a node (and not Succeeded or Failed)
   * is kept with `deletionTimestamp` for its grace period (`gracePeriodSeconds`, else
   * `spec.terminationGracePeriodSeconds`, else 30 s) until deleted again with `gracePeriodSeconds: 0`,
   * as a kubelet does. Turn it on only with a kubelet running (`startSimulatedHost` does), or such
   * pods stay Terminating. @default false (pods without finalizers go at once)
   */
  readonly gracefulPodDeletion?: boolean;
  /**
   * With `clientCertificates`: authorize requests as kube-apiserver does with
   * `--authorization-mode=RBAC`. A certificate's common name is its user, its organizations its
   * groups (and every user is in `system:authenticated`); a request is served only when a rule of
   * a Role or ClusterRole that a RoleBinding or ClusterRoleBinding stored in the fake binds to the
   * user (a User, Group or ServiceAccount `system:serviceaccount:<ns>:<name>` subject) allows it,
   * else it is answered 403 Forbidden in kube-apiserver's words. Writes of roles and bindings pass
   * RBAC's escalation check: one may grant only what one holds (or may `escalate`/`bind`), so a
   * RoleBinding to a Role that does not exist yet is refused 404. SelfSubjectAccessReviews
   * (`kubectl auth can-i`) are answered. The kubeconfigs' `kubernetes-admin` is in `system:masters`
   * and may do anything; the default ClusterRoles for discovery, health and self reviews
   * (`system:discovery`, `system:basic-user`, …) and `cluster-admin` are created at start.
   * `localClient` is not authorized. @default undefined (every authenticated request is served)
   */
  readonly authorization?: 'RBAC';
}

/** A certificate to serve with, its private key, and the CA that signed it (PEM). */
export interface ServingCertificate extends ClientCertificate {
  /** The CA certificate that signed it, PEM. */
  readonly caCertificate: string;
}

/** A running fake Kubernetes API server. */
export interface FakeKube {
  /** `http://127.0.0.1:<port>`, or `https://127.0.0.1:<port>` with `tls`. */
  readonly url: string;
  /** With `tls`: the PEM certificate of the CA that signed the server certificate. */
  readonly caCertificate?: string;
  /** A ready client-node KubeConfig for this server. */
  readonly kubeConfig: KubeConfig;
  /** The same configuration as kubeconfig YAML, for `kubectl --kubeconfig`. */
  readonly kubeconfigYaml: string;
  /** Fault injection. */
  readonly faults: Faults;
  /** Every request the server answered. */
  readonly requests: RequestLog;
  /** The latest resourceVersion handed out. */
  readonly resourceVersion: () => string;
  /** Watches open now, over HTTP and in-process: a client that restarts a watch must close the old one. */
  openWatches(): number;
  /**
   * With `clientCertificates`: a client certificate the server accepts, for user `commonName`
   * in `groups` (its organizations), and its private key. Rejects without `clientCertificates`.
   */
  issueClientCertificate(commonName: string, groups?: readonly string[]): Promise<ClientCertificate>;
  /**
   * An in-process client of this server, for the fake's own simulated components (kubelet,
   * controllers, VM simulator): the server's semantics without HTTP. Its requests are not logged
   * and faults do not apply to them; code under test should use `kubeConfig` instead.
   */
  localClient(options?: LocalClientOptions): KubeClient;
  /** Closes watches and connections and stops the server. */
  stop(): Promise<void>;
}

const SEED: WriteOptions = { manager: 'kube-apiserver', dryRun: false, fieldValidation: 'Ignore', force: false, warnings: [] };

function seed(api: KubeApi, options: FakeKubeOptions): void {
  const nsRt = api.registry.find('', 'v1', 'namespaces');
  for (const name of options.namespaces ?? ['default', 'kube-system', 'kube-public', 'kube-node-lease']) {
    if (nsRt) api.create(nsRt, 'v1', '', { metadata: { name } }, SEED);
  }
  const crdRt = api.registry.find('apiextensions.k8s.io', 'v1', 'customresourcedefinitions');
  for (const crd of options.crds ?? []) if (crdRt) api.create(crdRt, 'v1', '', crd, SEED);
  for (const obj of options.objects ?? []) {
    if (!isObject(obj) || typeof obj.apiVersion !== 'string' || typeof obj.kind !== 'string')
      throw new Error('startFakeKube: objects need apiVersion and kind');
    const [group, version] = obj.apiVersion.includes('/') ? (obj.apiVersion.split('/') as [string, string]) : ['', obj.apiVersion];
    const rt = api.registry.findKind(group, obj.kind);
    if (!rt) throw new Error(`startFakeKube: unknown kind ${obj.apiVersion} ${obj.kind}`);
    const ns = isObject(obj.metadata) && typeof obj.metadata.namespace === 'string' ? obj.metadata.namespace : (options.namespace ?? 'default');
    api.create(rt, version, rt.namespaced ? ns : '', obj, SEED);
  }
}

/** The listening part: a plain HTTP or an HTTPS server, and the certificates it made. */
interface Serving {
  readonly server: http.Server | https.Server;
  readonly caCertificate?: string;
  readonly pki?: ServerPki;
  readonly admin?: ClientCertificate;
}

/**
 * A plain HTTP server, or an HTTPS one with freshly generated certificates; with client
 * certificates, it asks each client for one and verifies it against its CA (the request is
 * refused later, with kube-apiserver's 401, not in the handshake).
 */
async function createServer(tls: boolean | ServingCertificate, clientCertificates: boolean): Promise<Serving> {
  if (tls === false) return { server: http.createServer() };
  // a given certificate brings no CA key: nothing to sign client certificates with
  const pki = tls === true ? await (await import('./server-certificates.js')).generateServerCertificates() : undefined;
  const serving = pki ?? (tls as ServingCertificate);
  const verify = clientCertificates ? { ca: serving.caCertificate, requestCert: true, rejectUnauthorized: false } : {};
  const admin = clientCertificates && pki ? await pki.issueClientCertificate('kubernetes-admin', ['system:masters']) : undefined;
  const server = https.createServer({ cert: serving.certificate, key: serving.privateKey, ...verify });
  return { server, caCertificate: serving.caCertificate, ...(pki ? { pki } : {}), ...(admin ? { admin } : {}) };
}

/** Listens on 127.0.0.1:`port` (0: a free port); resolves to the port. */
async function listen(server: http.Server | https.Server, port: number): Promise<number> {
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, '127.0.0.1', () => resolve());
  });
  return (server.address() as AddressInfo).port;
}

/** The in-process API server: the objects, lists, watches, controllers, request log and faults, seeded with the options' namespaces, CRDs and objects. */
interface Backend {
  readonly ctx: HandlerContext;
  readonly controllers: Controllers;
  readonly log: ReturnType<typeof createRequestLog>;
  readonly faults: FaultEngine;
}

/** The backend for `options`; a seed the API refuses throws, with nothing left running. */
function createBackend(options: FakeKubeOptions): Backend {
  const api = new KubeApi(options.historySize ?? 10_000);
  api.gracefulPods = options.gracefulPodDeletion ?? false;
  const lister = new Lister(api);
  const hub = new WatchHub(api, options.bookmarkIntervalMs ?? 5_000);
  const controllers = new Controllers(api, (key) => hub.closeKey(key));
  const log = createRequestLog(options.requestLogLimit ?? 100_000);
  const faults = new FaultEngine({
    dropWatches: () => hub.dropAll(),
    compact: () => {
      api.store.compact();
      lister.clear();
    },
  });
  const backend = { ctx: { api, lister, hub }, controllers, log, faults };
  try {
    seed(api, options);
  } catch (e) {
    stopBackend(backend);
    throw e;
  }
  return backend;
}

/** Stops the controllers and closes the watches. */
function stopBackend(backend: Pick<Backend, 'ctx' | 'controllers'>): void {
  backend.controllers.stop();
  backend.ctx.hub.stop();
}

/** The handle of a listening server at `target`. */
function fakeKubeHandle(options: FakeKubeOptions, serving: Serving, backend: Backend, target: KubeconfigTarget): FakeKube {
  const { server, pki } = serving;
  const { ctx, faults } = backend;
  const kubeConfig = kubeConfigFor(target);
  return {
    url: target.url,
    caCertificate: target.caCertificate,
    kubeConfig,
    kubeconfigYaml: kubeconfigYaml(target),
    faults,
    requests: backend.log,
    resourceVersion: () => String(ctx.api.store.revision),
    openWatches: () => ctx.hub.size,
    issueClientCertificate: async (commonName, groups) => {
      if (!options.clientCertificates || pki === undefined)
        throw new Error('issueClientCertificate needs startFakeKube({ tls: true, clientCertificates: true }) (a given serving certificate brings no CA key)');
      return pki.issueClientCertificate(commonName, groups);
    },
    localClient: (clientOptions) => localKubeClient(ctx, kubeConfig, clientOptions),
    async stop() {
      faults.clear();
      stopBackend(backend);
      await new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      });
    },
  };
}

/**
 * Starts a fake Kubernetes API server on 127.0.0.1 (plain HTTP, or HTTPS with `tls`).
 *
 * @example
 * ```ts
 * const kube = await startFakeKube({ crds: kubeceptionCrds() });
 * const api = kube.kubeConfig.makeApiClient(CoreV1Api);
 * await api.createNamespace({ body: { metadata: { name: 'demo' } } });
 * await kube.stop();
 * ```
 */
export async function startFakeKube(options: FakeKubeOptions = {}): Promise<FakeKube> {
  // First, so that a failure to make certificates leaves nothing running.
  if (options.clientCertificates && !options.tls) throw new Error('startFakeKube: clientCertificates needs tls');
  if (options.authorization && !options.clientCertificates) throw new Error('startFakeKube: authorization needs clientCertificates (the users it authorizes)');
  const serving = await createServer(options.tls ?? false, options.clientCertificates ?? false);
  const token = options.bearerToken === true ? randomBytes(24).toString('base64url') : options.bearerToken;
  const started = Date.now();
  const backend = createBackend(options);
  let host = '127.0.0.1';
  const auth = { clientCertificates: options.clientCertificates ?? false, ...(token !== undefined ? { token } : {}) };
  const authorization = options.authorization === 'RBAC' ? rbacAuthorization(backend.ctx.api) : undefined;
  serving.server.on('request', requestHandler({ ...backend, auth, authorization, started, host: () => host }));
  try {
    host = `127.0.0.1:${await listen(serving.server, options.port ?? 0)}`;
  } catch (e) {
    stopBackend(backend);
    throw e;
  }
  return fakeKubeHandle(options, serving, backend, {
    url: `${serving.caCertificate === undefined ? 'http' : 'https'}://${host}`,
    namespace: options.namespace ?? 'default',
    caCertificate: serving.caCertificate,
    ...(serving.admin ? { client: serving.admin } : {}),
    ...(token !== undefined ? { token } : {}),
  });
}
