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
} from '@kubernetes/client-node';

/** Loads `KUBECONFIG` / `~/.kube/config`, or the in-cluster service account. */
export function defaultKubeConfig(): KubeConfig {
  const config = new KubeConfig();
  config.loadFromDefault();
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
      authMethods: { default: config },
      promiseMiddleware: [coreGroup, userAgentHeader],
    }),
  );
}
