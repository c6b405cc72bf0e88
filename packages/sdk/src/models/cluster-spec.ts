/** Schemas of `Cluster.spec` and `Cluster.status` (DESIGN.md §2), except the provider part. */
import { z } from 'zod';
import { ClusterPhase, NodeRole } from '../vocabulary.js';
import { SUPPORTED_KUBERNETES_VERSIONS, DEFAULT_INGRESS_VERSION } from '../versions.js';
import { conditionsSchema } from '../schema/condition.js';
import { cidr, dnsLabel, dnsSubdomain, duration, quantity, semver, stringMap } from '../schema/fields.js';

/** Longest allowed cluster name: leaves room for derived names such as `<cluster>-flanneld-etcd-client`. */
export const MAX_CLUSTER_NAME_LENGTH = 40;
/** Longest allowed worker pool name: leaves room for node names such as `<cluster>-worker-<pool>-<n>`. */
export const MAX_POOL_NAME_LENGTH = 15;

/** Cluster metadata: the name is a DNS-1123 label short enough for every derived host name. */
export const clusterMetadataSchema = z.looseObject({
  name: dnsLabel(MAX_CLUSTER_NAME_LENGTH, 'Cluster name; host objects are named after it.').optional(),
  generateName: z.string().optional(),
  namespace: z.string().optional(),
  labels: stringMap.optional(),
  annotations: stringMap.optional(),
});

const kubernetes = z.strictObject({
  version: z
    .enum(SUPPORTED_KUBERNETES_VERSIONS, {
      error: (i) => `must be one of the supported versions ${SUPPORTED_KUBERNETES_VERSIONS.join(', ')} (got ${JSON.stringify(i.input)})`,
    })
    .meta({ description: 'Kubernetes version of the guest cluster.' }),
  api: z
    .strictObject({
      domain: dnsSubdomain('Domain of the guest API server (its certificate names it).'),
      securePort: z.int().min(1).max(65535).default(443).meta({ description: 'Port of the guest API server.' }),
      serviceCIDR: cidr('Guest service network.').default('172.31.0.0/16'),
    })
    .meta({ description: 'The guest API server.' }),
  dns: z
    .strictObject({ clusterDomain: dnsSubdomain('Guest cluster DNS domain.').default('cluster.local') })
    .prefault({})
    .meta({ description: 'Guest cluster DNS.' }),
});

const ingress = z
  .strictObject({
    version: semver('Version of the ingress controller the guest runs.').default(DEFAULT_INGRESS_VERSION),
    domain: dnsSubdomain('Wildcard domain the guest ingress serves (*.domain).'),
  })
  .meta({ description: 'The ingress controller the guest cluster runs.' });

const flannel = z
  .strictObject({
    network: cidr('Host-level VXLAN network of this cluster; allocated from a pool when unset.').optional(),
    subnetLen: z.int().min(8).max(30).default(30).meta({ description: 'Prefix length of each host subnet in the flannel network.' }),
    vni: z.int().min(1).max(16_777_215).optional().meta({ description: 'VXLAN network identifier; allocated when unset.' }),
  })
  .meta({ description: 'Per-cluster flannel VXLAN network joining the VMs.' });

const network = z
  .strictObject({
    podCIDR: cidr('Guest pod network (calico).'),
    flannel: flannel.prefault({}),
  })
  .meta({ description: 'Networks of the guest cluster.' });

const machine = {
  cpus: z.int().min(1).max(256).meta({ description: 'Virtual CPUs per node.' }),
  memory: quantity('Memory per node, a Kubernetes quantity such as 4Gi.'),
  disk: quantity('Root disk per node, a Kubernetes quantity such as 20Gi.'),
};

const masters = z
  .strictObject({
    replicas: z
      .literal([1, 3, 5], { error: (i) => `must be 1, 3 or 5 (an odd etcd quorum; got ${JSON.stringify(i.input)})` })
      .default(1)
      .meta({ description: 'Number of master nodes: 1, 3 or 5.' }),
    ...machine,
  })
  .meta({ description: 'The control plane nodes.' });

const workerPool = z
  .strictObject({
    name: dnsLabel(MAX_POOL_NAME_LENGTH, 'Pool name, unique within the cluster.'),
    replicas: z.int().min(0).max(500).meta({ description: 'Number of nodes in the pool.' }),
    ...machine,
    labels: stringMap.optional().meta({ description: 'Labels put on the guest nodes of this pool.' }),
  })
  .meta({ description: 'A pool of identical worker nodes.' });

const certificates = z
  .strictObject({
    caTTL: duration('Lifetime of the cluster root CA.').default('87600h'),
    ttl: duration('Lifetime of each component certificate.').default('72h'),
    renewBefore: duration('Renew a certificate this long before it expires; default ttl/3.').optional(),
  })
  .prefault({})
  .meta({
    description: 'Lifetimes of the cluster PKI (3-day certificates rotated daily by default).',
    'x-kubernetes-validations': [
      { rule: 'duration(self.ttl) < duration(self.caTTL)', message: 'ttl must be shorter than caTTL' },
      { rule: '!has(self.renewBefore) || duration(self.renewBefore) < duration(self.ttl)', message: 'renewBefore must be shorter than ttl' },
    ],
  });

/** Builds the Cluster spec schema around a provider schema. */
export function clusterSpecSchema<P extends z.ZodType>(provider: P) {
  return z
    .strictObject({
      provider,
      kubernetes,
      ingress,
      network,
      masters,
      workers: z
        .array(workerPool)
        .default([])
        .meta({ 'x-kubernetes-list-type': 'map', 'x-kubernetes-list-map-keys': ['name'], description: 'Worker pools.' }),
      certificates,
      paused: z.boolean().default(false).meta({ description: 'When true, operators do nothing but report Paused.' }),
    })
    .meta({ description: 'Desired state of a guest cluster.' });
}

const clusterNode = z.strictObject({
  name: z.string(),
  role: z.enum([NodeRole.Master, NodeRole.Worker]),
  pool: z.string().optional(),
  ready: z.boolean(),
  address: z.string().optional(),
  providerID: z.string().optional().meta({ description: 'Where the node runs, e.g. aws:///eu-west-1a/i-0abc (as Kubernetes Node.spec.providerID).' }),
});

/** Schema of `Cluster.status`. Written by operators only. */
export const clusterStatusSchema = z
  .strictObject({
    observedGeneration: z.int().min(0).optional(),
    phase: z.enum(Object.values(ClusterPhase) as [ClusterPhase, ...ClusterPhase[]]).optional(),
    conditions: conditionsSchema.optional(),
    provider: z.string().optional().meta({ description: 'Name of the provider in use (kvm, aws).' }),
    network: z
      .strictObject({
        flannel: z.strictObject({ network: z.string().optional(), vni: z.int().optional() }).optional(),
        podCIDR: z.string().optional(),
      })
      .optional(),
    endpoint: z.strictObject({ host: z.string(), port: z.int() }).optional(),
    nodes: z
      .array(clusterNode)
      .optional()
      .meta({ 'x-kubernetes-list-type': 'map', 'x-kubernetes-list-map-keys': ['name'] }),
    versions: z.array(z.string()).max(5).optional().meta({ description: 'Last Kubernetes versions reached, newest first.' }),
  })
  .meta({ description: 'Observed state of a guest cluster.' });
