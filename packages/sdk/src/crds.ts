import { stringify } from 'yaml';
import type { CustomResourceDefinition } from './crd.js';
import { certificateAuthorityCrd } from './models/certificate-authority.js';
import { certificateCrd } from './models/certificate.js';
import { createClusterModel } from './models/cluster.js';
import type { ProviderDefinition } from './provider.js';

/** Options of {@link kubeceptionCrds}. */
export interface CrdsOptions {
  /** Providers whose sub-specs the Cluster CRD includes. @default [] (open provider map) */
  readonly providers?: readonly ProviderDefinition[];
}

/**
 * The three Kubeception CRDs (Cluster, CertificateAuthority, Certificate), for operators
 * that install them at start.
 */
export function kubeceptionCrds(options: CrdsOptions = {}): CustomResourceDefinition[] {
  return [createClusterModel({ providers: options.providers ?? [] }).crd(), certificateAuthorityCrd(), certificateCrd()];
}

/** Objects as multi-document YAML (`---` separated), the way `kubectl apply -f` reads them. */
export function toYamlDocuments(objects: readonly unknown[]): string {
  return objects.map((o) => stringify(o, { lineWidth: 0 })).join('---\n');
}
