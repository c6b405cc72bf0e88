/** Ingress `api`: the guest API server behind the host ingress controller, TLS passed through. */
import type { KvmCluster } from './cluster.js';
import { ObjectName, objectMeta } from './names.js';
import type { Ingress } from './objects.js';

/** ingress-nginx: forward TLS by SNI without terminating it (the guest API server presents its own certificate). */
export const SSL_PASSTHROUGH_ANNOTATION = 'nginx.ingress.kubernetes.io/ssl-passthrough';

/**
 * Ingress `api` for host `spec.kubernetes.api.domain` on `ingressClassName`, backend Service
 * `master` port `securePort`. No `tls` section: TLS terminates in the guest. The host's
 * ingress-nginx must run with `--enable-ssl-passthrough`.
 */
export function renderApiIngress(cluster: KvmCluster): Ingress {
  const { domain, securePort } = cluster.spec.kubernetes.api;
  const meta = objectMeta(cluster, ObjectName.ApiIngress);
  return {
    apiVersion: 'networking.k8s.io/v1',
    kind: 'Ingress',
    metadata: { ...meta, annotations: { [SSL_PASSTHROUGH_ANNOTATION]: 'true' } },
    spec: {
      ingressClassName: cluster.spec.provider.kvm.ingressClassName,
      rules: [
        {
          host: domain,
          http: { paths: [{ path: '/', pathType: 'Prefix', backend: { service: { name: ObjectName.MasterService, port: { number: securePort } } } }] },
        },
      ],
    },
  };
}
