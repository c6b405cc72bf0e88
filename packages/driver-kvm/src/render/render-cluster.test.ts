import { Label } from '@kubeception/sdk';
import { describe, expect, it } from 'vitest';
import { KvmLabel, MANAGED_BY } from './names.js';
import { renderCluster } from './render-cluster.js';
import { clusterId } from '@kubeception/sdk';
import { haCluster, haInputs, haObject, sampleCluster, sampleInputs, toYaml, validated } from './test-fixtures.js';

const sample = renderCluster(sampleCluster(), sampleInputs)._unsafeUnwrap();
const ha = renderCluster(haCluster(), haInputs)._unsafeUnwrap();
const CLUSTER_SCOPED = new Set(['Namespace']);

describe('renderCluster', () => {
  it('renders the sample cluster (file snapshot)', async () => {
    await expect(toYaml(sample)).toMatchFileSnapshot('./__snapshots__/cluster-kvm.yaml');
  });

  it('renders a 3-master, 2-pool cluster (file snapshot)', async () => {
    await expect(toYaml(ha)).toMatchFileSnapshot('./__snapshots__/cluster-ha.yaml');
  });

  it('is deterministic', () => {
    expect(renderCluster(sampleCluster(), sampleInputs)._unsafeUnwrap()).toEqual(sample);
    expect(renderCluster(haCluster(), haInputs)._unsafeUnwrap()).toEqual(ha);
  });

  it.each([
    ['sample', sample],
    ['ha', ha],
  ])('gives every %s object a valid structure, the cluster labels and no owner', (_name, rendered) => {
    for (const o of rendered.objects) {
      const where = `${o.kind}/${o.metadata?.name}`;
      expect(o.apiVersion, where).toMatch(/^([a-z0-9.]+\/)?v1$/);
      expect(o.kind, where).toMatch(/^[A-Z][A-Za-z]+$/);
      expect(o.metadata?.name, where).toMatch(/^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/);
      if (CLUSTER_SCOPED.has(o.kind ?? '')) expect(o.metadata?.namespace, where).toBeUndefined();
      else expect(o.metadata?.namespace, where).toBe(rendered.namespace);
      expect(o.metadata?.labels, where).toMatchObject({
        [Label.Cluster]: rendered.nodes[0]?.name.replace(/-master-0$/, ''),
        [KvmLabel.ClusterNamespace]: expect.any(String),
        [Label.ManagedBy]: MANAGED_BY,
      });
      expect(o.metadata?.ownerReferences, where).toBeUndefined();
    }
  });

  it('names objects uniquely and deterministically, in apply order', () => {
    const ids = ha.objects.map((o) => `${o.kind}/${o.metadata?.name}`);
    expect(new Set(ids).size).toBe(ids.length);
    expect(ids).toEqual([
      'Namespace/prod-azg2vajira',
      'ServiceAccount/vm',
      'Role/vm',
      'RoleBinding/vm',
      'NetworkPolicy/isolate',
      'DaemonSet/flannel',
      'ConfigMap/prod-master-0-boot',
      'PersistentVolumeClaim/prod-master-0-etcd',
      'ConfigMap/prod-master-1-boot',
      'PersistentVolumeClaim/prod-master-1-etcd',
      'ConfigMap/prod-master-2-boot',
      'PersistentVolumeClaim/prod-master-2-etcd',
      'ConfigMap/prod-general-0-boot',
      'ConfigMap/prod-general-1-boot',
      'ConfigMap/prod-gpu-0-boot',
      'Deployment/prod-master-0',
      'Deployment/prod-master-1',
      'Deployment/prod-master-2',
      'Deployment/prod-general-0',
      'Deployment/prod-general-1',
      'Deployment/prod-gpu-0',
      'Service/master',
      'Service/worker',
      'Ingress/api',
      'PodDisruptionBudget/prod-master',
      'PodDisruptionBudget/prod-general',
      'PodDisruptionBudget/prod-gpu',
    ]);
  });

  it('labels node objects with role and pool', () => {
    const labels = (kind: string, name: string) => ha.objects.find((o) => o.kind === kind && o.metadata?.name === name)?.metadata?.labels;
    expect(labels('Deployment', 'prod-master-1')).toEqual({
      [Label.Cluster]: 'prod',
      [KvmLabel.ClusterNamespace]: 'platform',
      [Label.ManagedBy]: MANAGED_BY,
      [Label.Role]: 'master',
      'kubeception.io/node': 'prod-master-1',
    });
    expect(labels('ConfigMap', 'prod-gpu-0-boot')).toMatchObject({ [Label.Role]: 'worker', [Label.Pool]: 'gpu' });
  });

  it('names the host namespace and the flannel store prefix from the cluster ID, never the name alone', () => {
    expect(ha.namespace).toBe(clusterId({ namespace: 'platform', name: 'prod' }));
    expect(ha.namespace).toBe('prod-azg2vajira');
    expect(ha.objects[0]?.metadata?.name).toBe('prod-azg2vajira');
    expect(ha.flannel).toEqual({
      prefix: '/kubeception/prod-azg2vajira/network',
      config: { Network: '10.1.7.0/24', SubnetLen: 30, Backend: { Type: 'vxlan', VNI: 7 } },
    });
    // the same name in another namespace: another host namespace, prefix, bridge and host paths
    const other = validated({ ...haObject(), metadata: { name: 'prod', namespace: 'staging' } });
    const theirs = renderCluster(other, haInputs)._unsafeUnwrap();
    expect(theirs.namespace).not.toBe(ha.namespace);
    expect(theirs.flannel.prefix).not.toBe(ha.flannel.prefix);
    const hostFacts = (r: typeof ha) => JSON.stringify(r.objects.filter((o) => o.kind === 'Deployment' || o.kind === 'DaemonSet'));
    expect(hostFacts(theirs)).not.toContain(ha.namespace);
    expect(hostFacts(ha)).not.toContain('/prod/');
  });

  it('records the Cluster (and its uid, when known) on the Namespace', () => {
    expect(ha.objects[0]?.metadata?.annotations).toEqual({ 'kvm.kubeception.io/cluster': 'platform/prod' });
    const withUid = { ...haCluster(), metadata: { name: 'prod', namespace: 'platform', uid: 'u-1' } };
    expect(renderCluster(withUid, haInputs)._unsafeUnwrap().objects[0]?.metadata?.annotations).toEqual({
      'kvm.kubeception.io/cluster': 'platform/prod',
      'kvm.kubeception.io/cluster-uid': 'u-1',
    });
  });

  it('renders only the nodes it is given', () => {
    const nodes = ha.nodes.filter((n) => n.name !== 'prod-general-1');
    const names = renderCluster(haCluster(), { ...haInputs, nodes })
      ._unsafeUnwrap()
      .objects.map((o) => o.metadata?.name);
    expect(names).not.toContain('prod-general-1');
    expect(names).not.toContain('prod-general-1-boot');
  });
});
