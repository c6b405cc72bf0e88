import { describe, expect, it } from 'vitest';
import { nodeIpOf, nodeObject, podCidrOf } from './node-object.js';

const AT = '2025-01-01T00:00:00Z';

describe('nodeObject', () => {
  it('by default: a Ready worker in its turn of zone, with the default capacity as allocatable, and its index’s address and pod CIDR', () => {
    const node = nodeObject({}, 1, AT);
    expect(node.metadata).toMatchObject({
      name: 'node-2',
      labels: { 'topology.kubernetes.io/zone': 'zone-b', 'node-role.kubernetes.io/worker': '', 'kubernetes.io/hostname': 'node-2' },
    });
    expect(node.spec).toEqual({ podCIDR: '10.244.1.0/24', podCIDRs: ['10.244.1.0/24'], providerID: 'kubeception-sim://node-2' });
    expect(node.status?.capacity).toEqual({ cpu: '8', memory: '32Gi', pods: '110', 'ephemeral-storage': '100Gi' });
    expect(node.status?.allocatable).toEqual(node.status?.capacity);
    expect(node.status?.addresses?.[0]).toEqual({ type: 'InternalIP', address: '172.18.0.3' });
    expect(node.status?.conditions?.find((c) => c.type === 'Ready')?.status).toBe('True');
  });

  it('taints control-plane and cordoned nodes, and takes allocatable from the spec', () => {
    const node = nodeObject({ name: 'cp', roles: ['control-plane'], unschedulable: true, allocatable: { cpu: '7', pods: 50 } }, 0, AT);
    expect(node.spec?.taints).toEqual([
      { key: 'node-role.kubernetes.io/control-plane', effect: 'NoSchedule' },
      { key: 'node.kubernetes.io/unschedulable', effect: 'NoSchedule', timeAdded: AT },
    ]);
    expect(node.spec?.unschedulable).toBe(true);
    expect(node.status?.allocatable).toMatchObject({ cpu: '7', memory: '32Gi', pods: '50' });
  });

  it('numbers pod CIDRs and addresses past 256 nodes', () => {
    expect(podCidrOf(257)).toBe('10.245.1.0/24');
    expect(nodeIpOf(254)).toBe('172.18.1.0');
  });
});
