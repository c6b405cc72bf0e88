import { kubeceptionCrds, toYamlDocuments, validateCluster } from '@kubeception/sdk';

const cluster = {
  apiVersion: 'kubeception.io/v1alpha1',
  kind: 'Cluster',
  metadata: { name: 'demo', namespace: 'default' },
  spec: {
    provider: { kvm: {} },
    kubernetes: { version: '1.33.1', api: { domain: 'api.demo.example.com' } },
    ingress: { domain: 'demo.example.com' },
    network: { podCIDR: '10.2.0.0/16' },
    masters: { replicas: 1, cpus: 2, memory: '4Gi', disk: '20Gi' },
    workers: [{ name: 'default', replicas: 2, cpus: 2, memory: '4gb', disk: '20Gi' }],
  },
};

// Errors are values: every problem, each with its field path.
validateCluster(cluster).match(
  (valid) => console.log(`${valid.metadata.name} is valid; service network ${valid.spec.kubernetes.api.serviceCIDR}`),
  (error) => console.log(`invalid ${error.resource} ${error.name}:\n${error.message}`),
);

// The CRDs, ready for `kubectl apply -f -`.
const yaml = toYamlDocuments(kubeceptionCrds());
console.log(`${yaml.split('\n---\n').length} CRDs, ${yaml.length} bytes of YAML`);
