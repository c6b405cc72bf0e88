import { describe, expect, it } from 'vitest';
import type { KvmCluster } from './cluster.js';
import { renderCluster } from './render-cluster.js';
import { haCluster, haInputs, sampleCluster, sampleInputs } from './test-fixtures.js';
import { canonical, toMib, vmSizes } from './vm-resources.js';

/** `cluster` with a size the model's bounds refuse (a cached Cluster is not validated again). */
const bent = (cluster: KvmCluster, edit: (spec: { masters: { memory: string; disk: string }; workers: { memory: string }[] }) => void): KvmCluster => {
  const spec = structuredClone(cluster.spec) as unknown as Parameters<typeof edit>[0];
  edit(spec);
  return { ...cluster, spec: spec as unknown as KvmCluster['spec'] };
};

describe('toMib', () => {
  it('rounds a quantity up to whole MiB', () => {
    expect(toMib('4Gi', 'f')._unsafeUnwrap()).toBe(4096);
    expect(toMib('1536Mi', 'f')._unsafeUnwrap()).toBe(1536);
    expect(toMib('1G', 'f')._unsafeUnwrap()).toBe(954);
  });

  it('refuses, as a value, what has no plain MiB count or is no quantity', () => {
    expect(toMib('1e30', 'spec.masters.memory')._unsafeUnwrapErr()).toEqual({
      kind: 'Unrenderable',
      field: 'spec.masters.memory',
      message: 'spec.masters.memory: 1e30 is too large to render as a count of MiB',
    });
    expect(toMib('lots', 'spec.masters.memory')._unsafeUnwrapErr().message).toBe('spec.masters.memory: "lots" is not a Kubernetes quantity');
  });
});

describe('canonical', () => {
  it('spells a quantity as the API server stores it, or refuses it as a value', () => {
    expect(canonical('20480Mi', 'f')._unsafeUnwrap()).toBe('20Gi');
    expect(canonical('1.0001', 'f', { resourceList: true })._unsafeUnwrap()).toBe('1001m');
    expect(canonical('9.5e+23Mi', 'spec.masters.disk')._unsafeUnwrapErr()).toMatchObject({ kind: 'Unrenderable', field: 'spec.masters.disk' });
  });
});

describe('vmSizes', () => {
  it('gives the launcher MiB counts and the pod its size plus QEMU’s overhead', () => {
    expect(vmSizes({ cpus: 2, memory: '4Gi', disk: '20Gi' }, 'spec.masters')._unsafeUnwrap()).toEqual({
      memoryMib: 4096,
      diskMib: 20480,
      diskLimit: '20Gi',
      resources: { requests: { cpu: '3', memory: '4608Mi' }, limits: { cpu: '3', memory: '4608Mi' } },
    });
  });

  it('names the field of a size it cannot render', () => {
    expect(vmSizes({ cpus: 2, memory: '4Gi', disk: '1e30' }, 'spec.workers[1]')._unsafeUnwrapErr().field).toBe('spec.workers[1].disk');
  });
});

describe('renderCluster with a size beyond the model’s bounds', () => {
  it('is Unrenderable, never an exception: a master memory of 1e30 bytes', () => {
    const cluster = bent(sampleCluster(), (s) => (s.masters.memory = '1e30'));
    const rendered = renderCluster(cluster, sampleInputs);
    expect(rendered._unsafeUnwrapErr()).toMatchObject({ kind: 'Unrenderable', field: 'spec.masters.memory', message: expect.stringContaining('too large') });
  });

  it('names the worker pool of a size it cannot render', () => {
    const cluster = bent(haCluster(), (s) => (s.workers[1] = { ...s.workers[1], memory: '1e300' }));
    expect(renderCluster(cluster, haInputs)._unsafeUnwrapErr().field).toBe('spec.workers[1].memory');
  });
});
