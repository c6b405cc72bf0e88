import { Label } from '@kubeception/sdk';
import { describe, expect, it } from 'vitest';
import { MANAGED_BY } from './names.js';
import { renderCluster } from './render-cluster.js';
import { haCluster, haInputs, sampleCluster, sampleInputs, toYaml } from './test-fixtures.js';

const sample = renderCluster(sampleCluster(), sampleInputs);
const ha = renderCluster(haCluster(), haInputs);
const CLUSTER_SCOPED = new Set(['Namespace']);

describe('renderCluster', () => {
  it('renders the sample cluster (file snapshot)', async () => {
    await expect(toYaml(sample)).toMatchFileSnapshot('./__snapshots__/cluster-kvm.yaml');
  });

  it('renders a 3-master, 2-pool cluster (file snapshot)', async () => {
    await expect(toYaml(ha)).toMatchFileSnapshot('./__snapshots__/cluster-ha.yaml');
  });

  it('is deterministic', () => {
    expect(renderCluster(sampleCluster(), sampleInputs)).toEqual(sample);
    expect(renderCluster(haCluster(), haInputs)).toEqual(ha);
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
      expect(o.metadata?.labels, where).toMatchObject({ [Label.Cluster]: rendered.namespace, [Label.ManagedBy]: MANAGED_BY });
      expect(o.metadata?.ownerReferences, where).toBeUndefined();
    }
  });

  it('names objects uniquely and deterministically, in apply order', () => {
    const ids = ha.objects.map((o) => `${o.kind}/${o.metadata?.name}`);
    expect(new Set(ids).size).toBe(ids.length);
    expect(ids).toEqual([
      'Namespace/prod',
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
      [Label.ManagedBy]: MANAGED_BY,
      [Label.Role]: 'master',
      'kubeception.io/node': 'prod-master-1',
    });
    expect(labels('ConfigMap', 'prod-gpu-0-boot')).toMatchObject({ [Label.Role]: 'worker', [Label.Pool]: 'gpu' });
  });

  it('records the Cluster on the Namespace and returns the flannel store entry', () => {
    expect(ha.objects[0]?.metadata?.annotations).toEqual({ 'kvm.kubeception.io/cluster': 'platform/prod' });
    expect(ha.flannel).toEqual({ prefix: '/kubeception/prod/network', config: { Network: '10.1.7.0/24', SubnetLen: 30, Backend: { Type: 'vxlan', VNI: 7 } } });
  });

  it('renders only the nodes it is given', () => {
    const nodes = ha.nodes.filter((n) => n.name !== 'prod-general-1');
    const names = renderCluster(haCluster(), { ...haInputs, nodes }).objects.map((o) => o.metadata?.name);
    expect(names).not.toContain('prod-general-1');
    expect(names).not.toContain('prod-general-1-boot');
  });
});
