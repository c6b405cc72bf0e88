/** Which Cluster a change of a host object concerns, as the driver's watches say. */
import { clusterId, Label, type KubeObject, type Persisted } from '@kubeception/sdk';
import type { DriverWatch } from '@kubeception/sdk/cluster';
import { ConfigMapResource, NamespaceResource, SecretResource } from '@kubeception/sdk/kube';
import { describe, expect, it } from 'vitest';
import { KvmLabel } from '../render/names.js';
import { CERTIFICATE_SECRETS } from './host.js';
import { hostWatches, ledgerOwners } from './host-watches.js';
import { createRefusedClusters } from './refused-clusters.js';

const OPERATOR = 'kubeception-system';
const LEDGER = 'kubeception-kvm-networks';

/** A persisted object of `kind` with `metadata` over a name and namespace. */
const object = (kind: string, metadata: Partial<Persisted<KubeObject>['metadata']>, data?: Record<string, string>): Persisted<KubeObject> =>
  ({
    apiVersion: 'v1',
    kind,
    metadata: { name: 'x', uid: 'u', resourceVersion: '1', generation: 1, ...metadata },
    ...(data ? { data } : {}),
  }) as Persisted<KubeObject>;

const watchesOf = (watches: readonly DriverWatch[], kind: string) => watches.filter((w) => w.resource.kind === kind);
/** The watch of `kind` with exactly `selection`. */
const watchOf = (watches: readonly DriverWatch[], kind: string, selection: object) =>
  watchesOf(watches, kind).find((w) => JSON.stringify(w.selection) === JSON.stringify(selection));

describe('hostWatches', () => {
  const refused = createRefusedClusters();
  const watches = hostWatches({ ledgerNamespace: OPERATOR, ledgerName: LEDGER, refused });

  it('leads a change of a namespace in the way of a refused Cluster back to it, and a managed one to its Cluster', () => {
    const [namespaces] = watchesOf(watches, NamespaceResource.kind);
    refused.refused('next-abcdefghij', { name: 'next', namespace: 'team-a' });
    expect(namespaces?.clusters(object('Namespace', { name: 'next-abcdefghij' }), false)).toEqual([{ name: 'next', namespace: 'team-a' }]);
    const managed = object('Namespace', { name: 'demo-0123456789', labels: { [Label.Cluster]: 'demo', [KvmLabel.ClusterNamespace]: 'team-b' } });
    expect(namespaces?.clusters(managed, false)).toEqual([{ name: 'demo', namespace: 'team-b' }]);
  });

  it('leads a certificate Secret, and its copy in a host namespace, to the Cluster it names', () => {
    const certificates = watchOf(watches, SecretResource.kind, CERTIFICATE_SECRETS);
    expect(certificates?.clusters(object('Secret', { namespace: 'team-a', labels: { [Label.Cluster]: 'demo' } }), false)).toEqual([
      { name: 'demo', namespace: 'team-a' },
    ]);
    const copy = object('Secret', { namespace: 'demo-0123456789', labels: { [Label.Cluster]: 'demo', [KvmLabel.ClusterNamespace]: 'team-a' } });
    expect(certificates?.clusters(copy, false)).toEqual([{ name: 'demo', namespace: 'team-a' }]);
  });

  it('leads the loss of the ledger to every Cluster it listed, and nothing else in its namespace to any', () => {
    const ledger = watchOf(watches, ConfigMapResource.kind, { namespace: OPERATOR });
    const data = { [clusterId({ namespace: 'team-a', name: 'demo' })]: '{"network":"10.64.0.0/24","vni":1,"cluster":"team-a/demo"}' };
    expect(ledger?.clusters(object('ConfigMap', { name: LEDGER, namespace: OPERATOR }, data), true)).toEqual([{ namespace: 'team-a', name: 'demo' }]);
    expect(ledger?.clusters(object('ConfigMap', { name: LEDGER, namespace: OPERATOR }, data), false)).toEqual([]);
    expect(ledger?.clusters(object('ConfigMap', { name: 'other', namespace: OPERATOR }, data), true)).toEqual([]);
  });

  it("watches the flannel store's TLS Secret in the operator's namespace only when there is one", () => {
    expect(watchOf(watches, SecretResource.kind, { namespace: OPERATOR })).toBeUndefined();
    const withTls = hostWatches({ ledgerNamespace: OPERATOR, ledgerName: LEDGER, flannelTlsSecret: 'flannel-etcd-client', refused });
    expect(withTls).toHaveLength(watches.length + 1);
    expect(
      watchOf(withTls, SecretResource.kind, { namespace: OPERATOR })?.clusters(object('Secret', { name: 'flannel-etcd-client', namespace: OPERATOR }), false),
    ).toEqual([]);
  });
});

describe('ledgerOwners', () => {
  it('is the Clusters of the entries it can read, under their ID or the key written before IDs', () => {
    const data = {
      [clusterId({ namespace: 'team-a', name: 'demo' })]: '{"network":"10.64.0.0/24","vni":1,"cluster":"team-a/demo"}',
      'team-b.legacy': '{"network":"10.64.1.0/24","vni":2}',
      junk: 'not json',
    };
    expect(ledgerOwners(data)).toEqual([
      { namespace: 'team-a', name: 'demo' },
      { namespace: 'team-b', name: 'legacy' },
    ]);
    expect(ledgerOwners(undefined)).toEqual([]);
  });
});
