/**
 * The bridge to `@kubernetes/client-node`: one `CustomObjectsApi` for every kind. It returns
 * plain JSON (no class instances, timestamps stay strings) and has every verb, including the
 * status subresource. A middleware maps the core group (`/apis//v1/...`) to `/api/v1/...`.
 */
import {
  CustomObjectsApi,
  KubeConfig,
  ServerConfiguration,
  createConfiguration,
  type RequestContext,
  type ResponseContext,
  type SecurityAuthentication,
} from '@kubernetes/client-node';
import { statSync } from 'node:fs';

/** Loads `KUBECONFIG` / `~/.kube/config`, or the in-cluster service account. */
export function defaultKubeConfig(): KubeConfig {
  const config = new KubeConfig();
  config.loadFromDefault();
  return config;
}

/** How to reach an API server with a client certificate (e.g. a guest cluster's admin certificate). */
export interface CertificateCredentials {
  /** `https://host:port` (or `http://` for local fakes). */
  readonly server: string;
  /** PEM of the CA that signed the server's certificate. */
  readonly caPem?: string;
  /** PEM of the client certificate and its key. */
  readonly certPem?: string;
  readonly keyPem?: string;
  /** Name of the cluster, user and context in the kubeconfig. @default 'guest' */
  readonly name?: string;
}

/** A kubeconfig with one cluster, user and context, from a server and client certificate. */
export function kubeConfigFromCertificate(credentials: CertificateCredentials): KubeConfig {
  const name = credentials.name ?? 'guest';
  const b64 = (pem: string | undefined) => (pem === undefined ? undefined : Buffer.from(pem, 'utf8').toString('base64'));
  const config = new KubeConfig();
  const plain = credentials.server.startsWith('http://');
  config.loadFromOptions({
    clusters: [{ name, server: credentials.server, ...(credentials.caPem ? { caData: b64(credentials.caPem) } : {}), skipTLSVerify: plain }],
    users: [{ name, ...(credentials.certPem ? { certData: b64(credentials.certPem) } : {}), ...(credentials.keyPem ? { keyData: b64(credentials.keyPem) } : {}) }],
    contexts: [{ name, cluster: name, user: name }],
    currentContext: name,
  });
  return config;
}

const coreGroup = {
  pre: (context: RequestContext) => {
    const url = context.getUrl();
    const rewritten = url.replace(/\/apis\/\/v1(\/|\?|$)/, '/api/v1$1');
    if (rewritten !== url) context.setUrl(rewritten);
    return Promise.resolve(context);
  },
  post: (response: ResponseContext) => Promise.resolve(response),
};

type Dispatcher = NonNullable<ReturnType<RequestContext['getDispatcher']>>;

/**
 * client-node's `KubeConfig` authenticates each request and hands it a brand-new undici Agent,
 * so every request opens its own connection (and, over https, makes a TLS handshake): about
 * 2 ms of CPU per request against a local server, several times what the request costs. This
 * keeps client-node's authentication (headers, tokens, their refresh) and reuses one Agent, with
 * its kept-alive connections, while the TLS material stays the same: the cluster's CA, server name
 * and proxy, the user's client certificate and key (files by path and modification time, so a
 * rotated file gets a new Agent). Users whose credentials come from an exec plugin or an auth
 * provider may get a new client certificate at any request, so they keep client-node's behaviour.
 */
export function pooledAuthentication(config: KubeConfig): SecurityAuthentication {
  const agents = new Map<string, Dispatcher>();
  const fileStamp = (file: string | undefined) => {
    if (file === undefined) return undefined;
    try {
      return `${file}@${statSync(file).mtimeMs}`;
    } catch {
      return file;
    }
  };
  const tlsKey = (): string | undefined => {
    const cluster = config.getCurrentCluster();
    const user = config.getCurrentUser();
    if (cluster === null || user?.exec !== undefined || user?.authProvider !== undefined) return undefined;
    return JSON.stringify([cluster.server, cluster.caData, fileStamp(cluster.caFile), cluster.skipTLSVerify, cluster.tlsServerName, cluster.proxyUrl, user?.certData, fileStamp(user?.certFile), user?.keyData, fileStamp(user?.keyFile)]);
  };
  return {
    getName: () => config.getName(),
    applySecurityAuthentication: async (context: RequestContext) => {
      await config.applySecurityAuthentication(context);
      const fresh = context.getDispatcher();
      const key = fresh === undefined ? undefined : tlsKey();
      if (fresh === undefined || key === undefined) return;
      const pooled = agents.get(key);
      if (pooled === undefined) {
        // one Agent per TLS material; a rotated certificate's old Agent closes once its requests finish
        for (const old of agents.values()) void old.close().catch(() => undefined);
        agents.clear();
        agents.set(key, fresh);
      } else context.setDispatcher(pooled);
    },
  };
}

/** A `CustomObjectsApi` bound to `config`'s current cluster and user. */
export function customObjectsApi(config: KubeConfig, userAgent: string): CustomObjectsApi {
  const cluster = config.getCurrentCluster();
  if (!cluster) throw new Error('the kubeconfig has no current cluster');
  const userAgentHeader = {
    pre: (context: RequestContext) => {
      context.setHeaderParam('User-Agent', userAgent);
      return Promise.resolve(context);
    },
    post: (response: ResponseContext) => Promise.resolve(response),
  };
  return new CustomObjectsApi(
    createConfiguration({
      baseServer: new ServerConfiguration(cluster.server, {}),
      authMethods: { default: pooledAuthentication(config) },
      promiseMiddleware: [coreGroup, userAgentHeader],
    }),
  );
}
