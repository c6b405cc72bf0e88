/** Which component certificates a VM gets, where they live, and the volume that carries them. */
import { certificateSecretName, Component, NodeRole } from '@kubeception/sdk';
import { LauncherPath } from './launcher.js';
import type { Volume } from './objects.js';

/** Certificates mounted into master VMs. */
export const MASTER_COMPONENTS: readonly Component[] = [
  Component.Api,
  Component.Etcd,
  Component.ServiceAccount,
  Component.Admin,
  Component.FlanneldEtcdClient,
  Component.CalicoEtcdClient,
];
/** Certificates mounted into worker VMs. */
export const WORKER_COMPONENTS: readonly Component[] = [Component.Worker, Component.FlanneldEtcdClient, Component.CalicoEtcdClient];

/** The components a node of `role` gets. */
export function componentsFor(role: NodeRole): readonly Component[] {
  return role === NodeRole.Master ? MASTER_COMPONENTS : WORKER_COMPONENTS;
}

/** Paths of one component's files, in the launcher and in the guest (the same directory). */
export interface CertificatePaths {
  readonly cert: string;
  readonly key: string;
  readonly ca: string;
}

/** `/etc/kubernetes/ssl/<component>/{tls.crt,tls.key,ca.crt}`. */
export function certificatePaths(component: Component): CertificatePaths {
  const dir = `${LauncherPath.CertificateDir}/${component}`;
  return { cert: `${dir}/tls.crt`, key: `${dir}/tls.key`, ca: `${dir}/ca.crt` };
}

/** The Secret of a component certificate, by the SDK's convention (`<cluster>-<component>`; Certificates here never set `secretName`). */
export function secretName(cluster: string, component: Component): string {
  return certificateSecretName({ spec: { clusterRef: { name: cluster }, component } });
}

/** Name of the certificates volume of a VM pod. */
export const CERTIFICATES_VOLUME = 'certificates';

/**
 * A projected volume of the role's certificate Secrets (`<cluster>-<component>`, type
 * `kubernetes.io/tls`), each under `<component>/`, read-only for the owner (0400).
 */
export function certificateVolume(cluster: string, role: NodeRole): Volume {
  return {
    name: CERTIFICATES_VOLUME,
    projected: {
      defaultMode: 0o400,
      sources: componentsFor(role).map((component) => ({
        secret: {
          name: secretName(cluster, component),
          items: ['tls.crt', 'tls.key', 'ca.crt'].map((key) => ({ key, path: `${component}/${key}` })),
        },
      })),
    },
  };
}
