import { fileURLToPath } from 'node:url';
import { CertificateResource, type Certificate, type Persisted } from '@kubeception/sdk';
import { ConfigMapResource, type ConfigMap } from '@kubeception/sdk/kube';
import { createController, createManager, done, jsonEqual } from '@kubeception/sdk/runtime';
import { okAsync } from 'neverthrow';

/** The ConfigMap that summarises a Certificate, owned by it (so it goes when the Certificate goes). */
export function summaryOf(cert: Persisted<Certificate>): ConfigMap {
  return {
    apiVersion: 'v1',
    kind: 'ConfigMap',
    metadata: {
      name: `${cert.metadata.name}-summary`,
      namespace: cert.metadata.namespace,
      ownerReferences: [
        { apiVersion: cert.apiVersion, kind: cert.kind, name: cert.metadata.name, uid: cert.metadata.uid, controller: true, blockOwnerDeletion: true },
      ],
    },
    data: { commonName: cert.spec.commonName, notAfter: cert.status?.notAfter ?? 'not issued yet' },
  };
}

/** Keeps one summary ConfigMap per Certificate; writes only when the summary changed. */
export const certificateSummaries = createController({
  name: 'certificate-summaries',
  resource: CertificateResource,
  owns: [ConfigMapResource],
  reconcile: (cert, ctx) => {
    const desired = summaryOf(cert);
    const current = ctx.cache(ConfigMapResource).get(`${cert.metadata.namespace}/${desired.metadata?.name}`);
    if (current !== undefined && jsonEqual(current.data, desired.data)) return okAsync(done());
    return ctx.kube
      .resource(ConfigMapResource)
      .apply(desired, { fieldManager: 'certificate-summaries', force: true })
      .map(() => done());
  },
});

// Run against the cluster of your kubeconfig:
//   node --conditions=@kubeception/source --import tsx packages/sdk/examples/certificate-summaries.ts
if (process.argv[1] === fileURLToPath(import.meta.url)) {
  await createManager({ controllers: [certificateSummaries], handleSignals: true, http: { port: 8080 } }).start();
}
