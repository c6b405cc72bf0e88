/** Schemas of `Cluster.spec` and `Cluster.status` (DESIGN.md §2), except the provider part. */
import { z } from 'zod';
import { ClusterPhase, NodeRole } from '../vocabulary.js';
import { SUPPORTED_KUBERNETES_VERSIONS, DEFAULT_INGRESS_VERSION } from '../versions.js';
import { conditionsSchema } from '../schema/condition.js';
import { cidr, dnsLabel, dnsSubdomain, duration, observedGeneration, quantity, semver, stringMap } from '../schema/fields.js';
import { labelMap } from '../schema/labels.js';
import { immutable, immutableOnceSet, versionSkew, type TransitionRule } from '../schema/transitions.js';

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

const kubernetes = z
  .strictObject({
    version: z
      .enum(SUPPORTED_KUBERNETES_VERSIONS, {
        error: (i) => `must be one of the supported versions ${SUPPORTED_KUBERNETES_VERSIONS.join(', ')} (got ${JSON.stringify(i.input)})`,
      })
      .meta({
        description:
          'Kubernetes version the guest cluster runs, without a leading v; one of the versions this release supports. Changes go up one minor version at a time; patch versions change freely.',
        'x-kubernetes-validations': versionSkew('spec.kubernetes.version'),
      }),
    api: z
      .strictObject({
        domain: dnsSubdomain('Domain name of the guest API server: worker nodes and clients connect to it, and its serving certificate names it.'),
        securePort: z.int().min(1).max(65535).default(443).meta({ description: 'TCP port (1-65535) the guest API server serves on.' }),
        serviceCIDR: cidr('Network of the guest Services (cluster IPs); the cluster DNS service gets its 10th address. Fixed once the cluster exists.')
          .default('172.31.0.0/16')
          .meta({ 'x-kubernetes-validations': [immutable('spec.kubernetes.api.serviceCIDR')] }),
      })
      .meta({ description: 'The guest API server: its domain, port and Service network.' }),
    dns: z
      .strictObject({
        clusterDomain: dnsSubdomain('DNS domain of the guest Services: <service>.<namespace>.svc.<clusterDomain>. Fixed once the cluster exists.')
          .default('cluster.local')
          .meta({ 'x-kubernetes-validations': [immutable('spec.kubernetes.dns.clusterDomain')] }),
      })
      .prefault({})
      .meta({ description: 'DNS inside the guest cluster.' }),
  })
  .meta({ description: 'The Kubernetes control plane of the guest cluster: version, API server and DNS.' });

const ingress = z
  .strictObject({
    version: semver('Version of the ingress controller the guest runs.').default(DEFAULT_INGRESS_VERSION),
    domain: dnsSubdomain('Wildcard domain the guest ingress serves: applications get host names *.<domain>.'),
  })
  .meta({ description: 'The ingress controller the guest cluster runs.' });

const flannel = z
  .strictObject({
    network: cidr('Host-level VXLAN network of this cluster; allocated from a host-wide pool, without overlap, when unset. Fixed once set.').optional(),
    subnetLen: z
      .int()
      .min(8)
      .max(30)
      .default(30)
      .meta({
        description:
          "Prefix length (8-30) of the subnet each node gets from the flannel network; longer than the network's own prefix. Fixed once the cluster exists.",
        'x-kubernetes-validations': [immutable('spec.network.flannel.subnetLen')],
      }),
    vni: z
      .int()
      .min(1)
      .max(16_777_215)
      .optional()
      .meta({ description: 'VXLAN network identifier (1-16777215); allocated from a host-wide pool when unset. Fixed once set.' }),
  })
  .meta({
    description: 'Per-cluster flannel VXLAN network joining the VMs on the host; the values in use are reported in status.network.flannel.',
    'x-kubernetes-validations': [immutableOnceSet('network', 'spec.network.flannel.network'), immutableOnceSet('vni', 'spec.network.flannel.vni')],
  });

const network = z
  .strictObject({
    podCIDR: cidr('Network of the guest pods (calico). Fixed once the cluster exists.').meta({
      'x-kubernetes-validations': [immutable('spec.network.podCIDR')],
    }),
    flannel: flannel.prefault({}),
  })
  .meta({ description: 'Networks of the guest cluster; the pod, Service and flannel networks must not overlap.' });

const machine = {
  cpus: z.int().min(1).max(256).meta({ description: 'Virtual CPUs of each node (1-256).' }),
  memory: quantity('Memory of each node.'),
  disk: quantity('Size of the root disk of each node.'),
};

const masters = z
  .strictObject({
    replicas: z
      .literal([1, 3, 5], { error: (i) => `must be 1, 3 or 5 (an odd etcd quorum; got ${JSON.stringify(i.input)})` })
      .default(1)
      .meta({ description: 'Number of master nodes: 1, 3 or 5 (an odd etcd quorum).' }),
    ...machine,
  })
  .meta({ description: 'The control plane nodes: each runs an etcd member and the API server.' });

const workerPool = z
  .strictObject({
    name: dnsLabel(MAX_POOL_NAME_LENGTH, 'Pool name, unique within the cluster; part of the names of its nodes.'),
    replicas: z.int().min(0).max(500).meta({ description: 'Number of nodes in the pool (0-500).' }),
    ...machine,
    labels: labelMap('Kubernetes labels put on every guest node of the pool, besides kubeception.io/role and kubeception.io/pool.').optional(),
  })
  .meta({ description: 'A pool of identical worker nodes.' });

const certificates = z
  .strictObject({
    caTTL: duration('Lifetime of the cluster root CA.').default('87600h'),
    ttl: duration('Lifetime of each component certificate; shorter than caTTL.').default('72h'),
    renewBefore: duration('How long before it expires a certificate is renewed; shorter than ttl. A third of ttl when unset.').optional(),
  })
  .prefault({})
  .meta({
    description: 'Lifetimes of the cluster PKI; by default 3-day certificates, renewed a day before they expire.',
    'x-kubernetes-validations': [
      { rule: 'duration(self.ttl) < duration(self.caTTL)', message: 'ttl must be shorter than caTTL' },
      { rule: '!has(self.renewBefore) || duration(self.renewBefore) < duration(self.ttl)', message: 'renewBefore must be shorter than ttl' },
    ],
  });

/** The fields of the Cluster spec besides `provider`. */
export const clusterSpecFields = {
  kubernetes,
  ingress,
  network,
  masters,
  workers: z
    .array(workerPool)
    .default([])
    .meta({ 'x-kubernetes-list-type': 'map', 'x-kubernetes-list-map-keys': ['name'], description: 'Pools of worker nodes, keyed by name.' }),
  certificates,
  paused: z.boolean().default(false).meta({ description: 'When true, the operators leave the cluster as it is and only report the Paused condition.' }),
};

/**
 * Builds the Cluster spec schema around a provider schema; `rules` are CEL rules on the whole
 * spec (such as the provider transition rule, which names the providers).
 */
export function clusterSpecSchema<P extends z.ZodType>(provider: P, rules: readonly TransitionRule[] = []) {
  return z
    .strictObject({ provider, ...clusterSpecFields })
    .meta({ description: 'Desired state of a guest cluster.', ...(rules.length ? { 'x-kubernetes-validations': rules.map((r) => ({ ...r })) } : {}) });
}

const clusterNode = z
  .strictObject({
    name: z.string().meta({ description: 'Node name: the guest Node and its VM or instance are named so.' }),
    role: z.enum([NodeRole.Master, NodeRole.Worker]).meta({ description: 'Role of the node: master or worker.' }),
    pool: z.string().optional().meta({ description: 'Worker pool of the node; unset on masters.' }),
    ready: z.boolean().meta({ description: 'Whether the node runs the cluster version and its guest Node reports Ready.' }),
    address: z.string().optional().meta({ description: 'IP address of the node, once it has one.' }),
    providerID: z.string().optional().meta({ description: 'Where the node runs, e.g. aws:///eu-west-1a/i-0abc (as Kubernetes Node.spec.providerID).' }),
  })
  .meta({ description: 'One node of the guest cluster.' });

/** Schema of `Cluster.status`. Written by operators only. */
export const clusterStatusSchema = z
  .strictObject({
    observedGeneration: observedGeneration(),
    phase: z
      .enum(Object.values(ClusterPhase) as [ClusterPhase, ...ClusterPhase[]])
      .optional()
      .meta({ description: 'Lifecycle phase of the cluster: Pending, Provisioning, Ready, Deleting or Failed.' }),
    conditions: conditionsSchema.optional(),
    provider: z.string().optional().meta({ description: 'Name of the provider in use (kvm, aws).' }),
    network: z
      .strictObject({
        flannel: z
          .strictObject({
            network: z.string().optional().meta({ description: 'Flannel network in use (IPv4 CIDR): spec.network.flannel.network, or the one allocated.' }),
            vni: z.int().optional().meta({ description: 'VXLAN network identifier in use: spec.network.flannel.vni, or the one allocated.' }),
          })
          .optional()
          .meta({ description: 'The flannel VXLAN network in use.' }),
        podCIDR: z.string().optional().meta({ description: 'Guest pod network in use (IPv4 CIDR).' }),
      })
      .optional()
      .meta({ description: 'Networks in use, including the values allocated for fields left unset in spec.' }),
    endpoint: z
      .strictObject({
        host: z.string().meta({ description: 'Host name or IP address of the guest API server.' }),
        port: z.int().meta({ description: 'TCP port of the guest API server.' }),
      })
      .optional()
      .meta({ description: 'Where clients reach the guest API server.' }),
    nodes: z
      .array(clusterNode)
      .optional()
      .meta({ 'x-kubernetes-list-type': 'map', 'x-kubernetes-list-map-keys': ['name'], description: 'Nodes of the guest cluster, keyed by name.' }),
    versions: z
      .array(z.string().meta({ description: 'A Kubernetes version the cluster reached.' }))
      .max(5)
      .optional()
      .meta({ description: 'Last Kubernetes versions the cluster reached (at most 5), newest first.' }),
  })
  .meta({ description: 'Observed state of a guest cluster.' });
