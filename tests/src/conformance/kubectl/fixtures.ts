/** What the commands of the kubectl matrix share: the command shape, outcomes, and objects seeded with the SDK. */
import { CertificateResource } from '@kubeception/sdk';
import { ConfigMapResource, type KubeClient } from '@kubeception/sdk/kube';
import { certificate } from '../target.js';
import type { KubectlOutcome, KubectlSession } from './session.js';

/** One command of the matrix. */
export interface MatrixCommand {
  readonly name: string;
  run(k: KubectlSession, kube: KubeClient): Promise<void>;
}

/** A successful outcome that printed `stdout`. */
export const printed = (stdout: string): KubectlOutcome => ({ code: 0, stdout, stderr: '' });

/** The object `name` of `resource` in the session's namespace. */
export async function read<T>(kube: KubeClient, resource: Parameters<KubeClient['resource']>[0], k: KubectlSession, name: string): Promise<T> {
  return (await kube.resource(resource).get(name, { namespace: k.namespace }))._unsafeUnwrap() as T;
}

/** A ConfigMap manifest. */
export const configMap = (name: string, data: Record<string, string>) => ({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name }, data });

/** Creates ConfigMap `name` with `data` through the SDK. */
export async function seedConfigMap(kube: KubeClient, k: KubectlSession, name: string, data: Record<string, string> = { a: '1' }): Promise<void> {
  (await kube.resource(ConfigMapResource).create({ metadata: { name, namespace: k.namespace }, data }))._unsafeUnwrap();
}

/** Creates Certificate `name` through the SDK. */
export async function seedCertificate(kube: KubeClient, k: KubectlSession, name: string): Promise<void> {
  (await kube.resource(CertificateResource).create(certificate(name, k.namespace)))._unsafeUnwrap();
}
