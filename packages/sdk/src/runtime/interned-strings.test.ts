import v8 from 'node:v8';
import vm from 'node:vm';
import { describe, expect, it } from 'vitest';
import { INTERNED_LIMIT, interned, internedCount, internStrings } from './interned-strings.js';

v8.setFlagsFromString('--expose-gc');
const gc = vm.runInNewContext('gc') as () => void;

/** Heap bytes `make()`'s result holds, after full collections. */
function heldBy(make: () => unknown): number {
  gc();
  const before = process.memoryUsage().heapUsed;
  const held = make();
  gc();
  const after = process.memoryUsage().heapUsed;
  expect(held).toBeDefined(); // kept alive until measured
  return after - before;
}

const text = (i: number, t = '') =>
  JSON.stringify({
    apiVersion: `${t}kubeception.io/v1alpha1`,
    kind: `${t}Certificate`,
    metadata: {
      name: `${t}cert-${i}`,
      namespace: `${t}default`,
      uid: `${t}uid-${i}`,
      resourceVersion: String(i),
      labels: { 'app.kubernetes.io/managed-by': `${t}a-manager-with-a-fairly-long-name-of-forty-eight-c`, 'kubeception.io/cluster': `${t}cluster-a` },
      ownerReferences: [
        {
          apiVersion: `${t}kubeception.io/v1alpha1`,
          kind: `${t}CertificateAuthority`,
          name: `${t}cluster-a`,
          uid: `${t}owner-uid-shared-by-every-child-0000`,
          controller: true,
        },
      ],
    },
    status: { conditions: [{ type: `${t}Ready`, status: `${t}True`, reason: `${t}AsExpected`, lastTransitionTime: `${t}2026-12-07T05:09:26Z` }] },
  });

describe('internStrings', () => {
  it('keeps one copy of the short values many parsed objects repeat: 5,000 objects hold far less heap than as parsed', () => {
    const n = 5_000;
    const plain = heldBy(() => Array.from({ length: n }, (_, i) => JSON.parse(text(i)) as object));
    const shared = heldBy(() => Array.from({ length: n }, (_, i) => internStrings(JSON.parse(text(i)) as { metadata: object })));
    // about 12 repeated values of 10–50 characters per object are shared
    expect(shared).toBeLessThan(plain * 0.75);
  });

  it('changes no value, and leaves the object its own resourceVersion and uid, and long strings, out of the table', () => {
    const object = JSON.parse(text(1, 'x-')) as Record<string, unknown>;
    const long = 'x'.repeat(100);
    (object.status as Record<string, unknown>).message = long;
    const before = internedCount();
    const result = internStrings(object as { metadata: object });
    expect(result).toBe(object);
    const parsed = JSON.parse(text(1, 'x-')) as { status: object };
    expect(result).toEqual({ ...parsed, status: { ...parsed.status, message: long } });
    // every short string but the object's own uid (`x-uid-1`) and resourceVersion (`1`), and not the long message:
    // apiVersion (also the owner's), kind, name, namespace, two label values, the owner's kind, name (also a
    // label value) and uid, and the condition's four
    expect(internedCount() - before).toBe(12);
    internStrings(JSON.parse(text(1, 'x-')) as { metadata: object });
    expect(internedCount() - before).toBe(12); // the same text again: nothing new
  });

  it('starts its table afresh when full, so it never holds more than its limit', () => {
    for (let i = 0; i <= INTERNED_LIMIT; i++) interned(`value-${i}`);
    expect(internedCount()).toBeLessThanOrEqual(INTERNED_LIMIT);
    expect(internedCount()).toBeGreaterThan(0);
  });
});

it('leaves frozen parts as they are (a readonly schema part) and shares the strings below them', () => {
  const inner = { type: 'frozen-test-Ready', status: 'frozen-test-True' };
  const object = {
    metadata: Object.freeze({ name: 'frozen-test-a', labels: { app: 'frozen-test-app' } }),
    spec: Object.freeze({ network: Object.freeze({ podCIDR: 'frozen-test-cidr' }), items: [inner] }),
  };
  const before = internedCount();
  expect(() => internStrings(object)).not.toThrow();
  expect(object.spec.network.podCIDR).toBe('frozen-test-cidr');
  // the label value and the two strings of the unfrozen item below a frozen part are shared
  expect(internedCount() - before).toBe(3);
});

it("never puts a Secret's or ConfigMap's values in the table (they must not outlive their object there)", () => {
  const secret = { apiVersion: 'v1', kind: 'Secret', metadata: { name: 'data-test' }, data: { password: 'c2hvcnQ=' }, stringData: { token: 'short' } };
  interned('v1');
  interned('Secret');
  const before = internedCount();
  internStrings(secret);
  expect(secret.data.password).toBe('c2hvcnQ=');
  expect(internedCount() - before).toBe(1); // the name alone
  internStrings({ metadata: {}, data: { other: 'data-test-value' } });
  expect(internedCount() - before).toBe(1);
});
