/** Kubeconfigs pointing at the fake server (internal). */
import { KubeConfig } from '@kubernetes/client-node';
import { stringify } from 'yaml';
import type { ClientCertificate } from './server-certificates.js';

const NAME = 'fake-kube';

/** Where a kubeconfig points. */
export interface KubeconfigTarget {
  /** The server URL (`http://…` or `https://…`). */
  readonly url: string;
  /** The namespace of the context. */
  readonly namespace: string;
  /** PEM CA certificate of an HTTPS server; without it TLS verification is off. @default undefined */
  readonly caCertificate?: string;
  /** A client certificate to authenticate with, instead of a token. @default undefined */
  readonly client?: ClientCertificate;
  /** The bearer token to authenticate with. @default a placeholder the server ignores */
  readonly token?: string;
}

const PLACEHOLDER_TOKEN = 'fake-kube-token';

const base64 = (pem: string) => Buffer.from(pem, 'utf8').toString('base64');

/** The kubeconfig YAML kubectl reads: the CA when there is one, else TLS verification off (plain HTTP). */
export function kubeconfigYaml(target: KubeconfigTarget): string {
  const { url, namespace, caCertificate } = target;
  const cluster =
    caCertificate === undefined ? { server: url, 'insecure-skip-tls-verify': true } : { server: url, 'certificate-authority-data': base64(caCertificate) };
  return stringify({
    apiVersion: 'v1',
    kind: 'Config',
    clusters: [{ name: NAME, cluster }],
    users: [
      {
        name: NAME,
        user: target.client
          ? { 'client-certificate-data': base64(target.client.certificate), 'client-key-data': base64(target.client.privateKey) }
          : { token: target.token ?? PLACEHOLDER_TOKEN },
      },
    ],
    contexts: [{ name: NAME, context: { cluster: NAME, user: NAME, namespace } }],
    'current-context': NAME,
    preferences: {},
  });
}

/**
 * A ready client-node KubeConfig: with the CA and verification on for HTTPS, with
 * `skipTLSVerify` (as client-node requires for http:// servers) for plain HTTP.
 */
export function kubeConfigFor(target: KubeconfigTarget): KubeConfig {
  const { url, namespace, caCertificate } = target;
  const cluster =
    caCertificate === undefined
      ? { name: NAME, server: url, skipTLSVerify: true }
      : { name: NAME, server: url, caData: base64(caCertificate), skipTLSVerify: false };
  const kc = new KubeConfig();
  kc.loadFromOptions({
    clusters: [cluster],
    users: [
      target.client
        ? { name: NAME, certData: base64(target.client.certificate), keyData: base64(target.client.privateKey) }
        : { name: NAME, token: target.token ?? PLACEHOLDER_TOKEN },
    ],
    contexts: [{ name: NAME, cluster: NAME, user: NAME, namespace }],
    currentContext: NAME,
  });
  return kc;
}
