import type { KubeObject, Persisted } from '@kubeception/sdk';
import { describe, expect, it } from 'vitest';
import { contains } from './contains.js';
import { createSpecMemo, ELIDED_SPEC, SPEC_DIGEST, specDigest } from './elided-specs.js';
import { comparableForm } from './host.js';

const rendered = (memory: string): KubeObject =>
  ({
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name: 'vm-0', namespace: 'c-1', labels: { app: 'vm' } },
    spec: {
      replicas: 1,
      template: {
        metadata: { labels: { app: 'vm' }, annotations: { 'kvm.kubeception.io/kubernetes-version': '1.33.1' } },
        spec: { containers: [{ name: 'launcher', resources: { limits: { memory } } }] },
      },
    },
  }) as KubeObject;

/** As the server stores `desired` at `generation`: its defaults added, a status. */
const stored = (desired: KubeObject, generation: number): Persisted<KubeObject> => {
  const copy = structuredClone(desired) as Persisted<KubeObject> & { spec: { template: { spec: Record<string, unknown> } }; status?: unknown };
  copy.metadata = { ...copy.metadata, uid: 'uid-1', resourceVersion: String(generation), generation } as Persisted<KubeObject>['metadata'];
  copy.spec.template.spec.dnsPolicy = 'ClusterFirst';
  copy.status = { readyReplicas: 1 };
  return copy;
};

describe('ELIDED_SPEC', () => {
  it('keeps the metadata, the status and the template’s metadata, not the spec', () => {
    const cached = ELIDED_SPEC.apply(stored(rendered('1Gi'), 1));
    expect(cached).toEqual({
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      metadata: { name: 'vm-0', namespace: 'c-1', labels: { app: 'vm' }, uid: 'uid-1', resourceVersion: '1', generation: 1 },
      status: { readyReplicas: 1 },
      spec: { template: { metadata: { labels: { app: 'vm' }, annotations: { 'kvm.kubeception.io/kubernetes-version': '1.33.1' } } } },
    });
  });
});

describe('createSpecMemo', () => {
  it('compares a Deployment checked at its generation through the digest of the rendered spec', () => {
    const memo = createSpecMemo();
    const desired = rendered('1Gi');
    const server = stored(desired, 1);
    expect(memo.view(ELIDED_SPEC.apply(server))).toBeUndefined(); // never checked: read it whole
    memo.remember(server, desired);
    const seen = memo.view(ELIDED_SPEC.apply(server))!;
    expect(seen[SPEC_DIGEST as keyof typeof seen]).toBe(specDigest(desired));
    expect(contains(seen, comparableForm(desired, seen))).toBe(true);
    // another rendering: written
    expect(contains(seen, comparableForm(rendered('2Gi'), seen))).toBe(false);
    // a label the rendering adds: written (the metadata is compared field by field)
    const labelled = { ...desired, metadata: { ...desired.metadata, labels: { app: 'vm', more: 'x' } } };
    expect(contains(seen, comparableForm(labelled, seen))).toBe(false);
  });

  it('reads again a Deployment at another generation (an edit of its spec), and remembers only what contains the rendering', () => {
    const memo = createSpecMemo();
    const desired = rendered('1Gi');
    memo.remember(stored(desired, 1), desired);
    const edited = stored(rendered('64Gi'), 2);
    expect(memo.view(ELIDED_SPEC.apply(edited))).toBeUndefined();
    memo.remember(edited, desired); // it does not contain the rendering
    expect(memo.view(ELIDED_SPEC.apply(edited))).toBeUndefined();
    memo.remember(stored(desired, 3), desired);
    expect(memo.view(ELIDED_SPEC.apply(stored(desired, 3)))).toBeDefined();
  });

  it('compares a Deployment read whole field by field', () => {
    const desired = rendered('1Gi');
    const whole = stored(desired, 1);
    expect(comparableForm(desired, whole)).toBe(desired);
    expect(contains(whole, comparableForm(desired, whole))).toBe(true);
    expect(contains(whole, comparableForm(rendered('2Gi'), whole))).toBe(false);
  });
});
