/* eslint-disable @typescript-eslint/no-explicit-any -- assertions on untyped wire JSON */
import { describe, expect, it } from 'vitest';
import { raw, rawPatch, sampleCluster, startWithCrds } from './fixtures.js';
import { jsonPath } from './jsonpath.js';
import { humanDuration } from './table.js';
import { PatchStrategy } from '@kubernetes/client-node';

const TABLE = 'application/json;as=Table;v=v1;g=meta.k8s.io,application/json;as=Table;v=v1beta1;g=meta.k8s.io,application/json';

describe('Table output', () => {
  it('renders CRD printer columns, including condition filters', async () => {
    const { kube } = await startWithCrds();
    try {
      await raw(kube, 'POST', '/apis/kubeception.io/v1alpha1/namespaces/default/clusters', sampleCluster('t1'));
      const status = {
        phase: 'Ready',
        provider: 'kvm',
        conditions: [
          { type: 'Paused', status: 'False', reason: 'NotPaused', message: '', lastTransitionTime: '2025-01-01T00:00:00Z' },
          { type: 'Ready', status: 'True', reason: 'Converged', message: 'ok', lastTransitionTime: '2025-01-01T00:00:00Z' },
        ],
      };
      const patched = await rawPatch(kube, PatchStrategy.MergePatch, '/apis/kubeception.io/v1alpha1/namespaces/default/clusters/t1/status', { status });
      expect(patched.status).toBe(200);
      const table = (await raw(kube, 'GET', '/apis/kubeception.io/v1alpha1/namespaces/default/clusters', undefined, { Accept: TABLE })).json;
      expect(table.kind).toBe('Table');
      expect(table.columnDefinitions.map((c: any) => c.name)).toEqual(['Name', 'Provider', 'Version', 'Phase', 'Ready', 'Age']);
      expect(table.rows[0].cells.slice(0, 5)).toEqual(['t1', 'kvm', '1.32.5', 'Ready', 'True']);
      expect(table.rows[0].cells[5]).toMatch(/^\d+s$/);
      expect(table.rows[0].object).toMatchObject({ kind: 'PartialObjectMetadata', metadata: { name: 't1' } });
      const one = (await raw(kube, 'GET', '/apis/kubeception.io/v1alpha1/namespaces/default/clusters/t1?includeObject=Object', undefined, { Accept: TABLE }))
        .json;
      expect(one.rows[0].object.spec.kubernetes.version).toBe('1.32.5');
      const ns = (await raw(kube, 'GET', '/api/v1/namespaces', undefined, { Accept: TABLE })).json;
      expect(ns.columnDefinitions.map((c: any) => c.name)).toEqual(['Name', 'Status', 'Age']);
      expect(ns.rows[0].cells.slice(0, 2)).toEqual(['default', 'Active']);
      const meta = (await raw(kube, 'GET', '/api/v1/namespaces', undefined, { Accept: 'application/json;as=PartialObjectMetadataList;v=v1;g=meta.k8s.io' }))
        .json;
      expect(meta.kind).toBe('PartialObjectMetadataList');
    } finally {
      await kube.stop();
    }
  });

  it('evaluates the JSONPath subset printer columns use', () => {
    const obj = {
      status: {
        conditions: [
          { type: 'A', status: 'False' },
          { type: 'Ready', status: 'True' },
        ],
      },
      spec: { list: [1, 2], 'a.b': 'x' },
    };
    expect(jsonPath('.status.conditions[?(@.type=="Ready")].status', obj)).toEqual(['True']);
    expect(jsonPath('{.spec.list[1]}', obj)).toEqual([2]);
    expect(jsonPath(".spec['a.b']", obj)).toEqual(['x']);
    expect(jsonPath('.status.conditions[*].type', obj)).toEqual(['A', 'Ready']);
    expect(jsonPath('.missing.field', obj)).toEqual([]);
  });

  it('formats ages like kubectl', () => {
    expect(humanDuration(5_000)).toBe('5s');
    expect(humanDuration(150_000)).toBe('2m30s');
    expect(humanDuration(3_600_000 * 3 + 60_000 * 5)).toBe('3h5m');
    expect(humanDuration(86_400_000 * 3)).toBe('3d');
  });
});
