/** Kubeconfigs pointing at the fake server (internal). */
import { KubeConfig } from '@kubernetes/client-node';
import { stringify } from 'yaml';

const NAME = 'fake-kube';

/** The kubeconfig YAML kubectl reads (plain HTTP; TLS verification off). */
export function kubeconfigYaml(url: string, namespace: string): string {
  return stringify({
    apiVersion: 'v1',
    kind: 'Config',
    clusters: [{ name: NAME, cluster: { server: url, 'insecure-skip-tls-verify': true } }],
    users: [{ name: NAME, user: { token: 'fake-kube-token' } }],
    contexts: [{ name: NAME, context: { cluster: NAME, user: NAME, namespace } }],
    'current-context': NAME,
    preferences: {},
  });
}

/** A ready client-node KubeConfig (`skipTLSVerify`, as client-node requires for http:// servers). */
export function kubeConfigFor(url: string, namespace: string): KubeConfig {
  const kc = new KubeConfig();
  kc.loadFromOptions({
    clusters: [{ name: NAME, server: url, skipTLSVerify: true }],
    users: [{ name: NAME, token: 'fake-kube-token' }],
    contexts: [{ name: NAME, cluster: NAME, user: NAME, namespace }],
    currentContext: NAME,
  });
  return kc;
}
