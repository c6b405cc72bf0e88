/** A valid Cluster for the Cluster layer's tests: `team-a/demo`, API domain `api.demo.example.com`, as read from the API server. */
import { validateCluster, type Cluster } from '../models/cluster.js';
import type { Persisted } from '../resource.js';

/** The metadata of {@link testCluster}. */
export const testClusterMetadata = {
  name: 'demo',
  namespace: 'team-a',
  uid: 'uid-demo',
  resourceVersion: '1',
  generation: 1,
  creationTimestamp: '2026-01-01T00:00:00Z',
};

/** Cluster `team-a/demo` with its defaults applied (any provider). */
export const testCluster = {
  ...validateCluster({
    apiVersion: 'kubeception.io/v1alpha1',
    kind: 'Cluster',
    metadata: { name: 'demo' },
    spec: {
      provider: { any: {} },
      kubernetes: { version: '1.33.1', api: { domain: 'api.demo.example.com' } },
      ingress: { domain: 'demo.example.com' },
      network: { podCIDR: '10.2.0.0/16' },
      masters: { cpus: 2, memory: '4Gi', disk: '20Gi' },
    },
  })._unsafeUnwrap(),
  metadata: testClusterMetadata,
} as Persisted<Cluster>;
