import { ConfigMapResource, NamespaceResource } from '@kubeception/sdk/kube';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { useTarget } from './target.js';

const { resource, ns } = useTarget('list');
let other: string;
const configMaps = () => resource(ConfigMapResource);

beforeAll(async () => {
  other = `${ns()}-other`;
  (await resource(NamespaceResource).create({ metadata: { name: other } }))._unsafeUnwrap();
  const labels: Record<string, Record<string, string>> = {
    a: { tier: 'web', env: 'prod' },
    b: { tier: 'web', env: 'dev' },
    c: { tier: 'db', env: 'prod' },
    d: { tier: 'cache' },
    e: {},
  };
  for (const [name, l] of Object.entries(labels)) (await configMaps().create({ metadata: { name, namespace: ns(), labels: l } }))._unsafeUnwrap();
  (await configMaps().create({ metadata: { name: 'z', namespace: other, labels: { tier: 'web' } } }))._unsafeUnwrap();
});
afterAll(async () => {
  await resource(NamespaceResource).delete(other);
});

const names = async (labelSelector?: string, fieldSelector?: string) =>
  (await configMaps().list({ namespace: ns(), ...(labelSelector ? { labelSelector } : {}), ...(fieldSelector ? { fieldSelector } : {}) }))
    ._unsafeUnwrap()
    .items.map((i) => i.metadata.name)
    .filter((n) => n !== 'kube-root-ca.crt')
    .sort();

describe('label selectors', () => {
  it.each([
    ['tier=web', ['a', 'b']],
    ['tier==web', ['a', 'b']],
    ['tier!=web', ['c', 'd', 'e']],
    ['tier in (web,db)', ['a', 'b', 'c']],
    ['tier notin (web,db)', ['d', 'e']],
    ['env', ['a', 'b', 'c']],
    ['!env', ['d', 'e']],
    ['tier=web,env=prod', ['a']],
    ['tier in (web),env!=prod', ['b']],
  ])('%s', async (selector, expected) => expect(await names(selector)).toEqual(expected));
});

describe('field selectors', () => {
  it('metadata.name', async () => expect(await names(undefined, 'metadata.name=c')).toEqual(['c']));
  it('metadata.name!=', async () => expect(await names('tier=web', 'metadata.name!=a')).toEqual(['b']));
  it('metadata.namespace across namespaces', async () => {
    const list = (await configMaps().list({ fieldSelector: `metadata.namespace=${other}` }))._unsafeUnwrap();
    expect(list.items.map((i) => i.metadata.name).filter((n) => n !== 'kube-root-ca.crt')).toEqual(['z']);
  });
});

describe('lists', () => {
  it('lists across namespaces when no namespace is given', async () => {
    const list = (await configMaps().list({ labelSelector: 'tier=web' }))._unsafeUnwrap();
    expect(list.items.map((i) => `${i.metadata.namespace}/${i.metadata.name}`).sort()).toEqual([`${ns()}/a`, `${ns()}/b`, `${other}/z`].sort());
  });

  it('returns a list resourceVersion no older than any item', async () => {
    const list = (await configMaps().list({ namespace: ns() }))._unsafeUnwrap();
    for (const item of list.items) expect(BigInt(list.resourceVersion)).toBeGreaterThanOrEqual(BigInt(item.metadata.resourceVersion));
  });

  it('fills in apiVersion and kind on items', async () => {
    const [item] = (await configMaps().list({ namespace: ns(), labelSelector: 'tier=db' }))._unsafeUnwrap().items;
    expect(item).toMatchObject({ apiVersion: 'v1', kind: 'ConfigMap' });
  });

  it('pages with limit and continue, each item once', async () => {
    const pages: string[][] = [];
    for await (const page of configMaps().listPages({ namespace: ns(), limit: 2 })) pages.push(page._unsafeUnwrap().items.map((i) => i.metadata.name));
    expect(pages.every((p) => p.length <= 2)).toBe(true);
    const all = pages.flat().filter((n) => n !== 'kube-root-ca.crt');
    expect(all.sort()).toEqual(['a', 'b', 'c', 'd', 'e']);
  });

  it('serves later pages from the first page’s snapshot', async () => {
    const seen: string[] = [];
    let addedLate = false;
    for await (const page of configMaps().listPages({ namespace: ns(), limit: 2, labelSelector: 'tier' })) {
      seen.push(...page._unsafeUnwrap().items.map((i) => i.metadata.name));
      if (!addedLate) {
        addedLate = true; // created between the first page and the next
        (await configMaps().create({ metadata: { name: 'late', namespace: ns(), labels: { tier: 'late' } } }))._unsafeUnwrap();
      }
    }
    expect(seen.sort()).toEqual(['a', 'b', 'c', 'd']);
    await configMaps().delete('late', { namespace: ns() });
  });
});
