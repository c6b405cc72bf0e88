/**
 * The label index narrows lists: a counting selector shows how many objects a list (or a watch's
 * initial state) actually examined. Wire-level correctness is in list-index.test.ts.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { deleteObject, deleteOptionsOf } from './deletion.js';
import { KubeApi, type WriteOptions } from './kube-api.js';
import { Lister, type ListQuery } from './list.js';
import type { ResourceType } from './resource-type.js';
import { parseLabelQuery, type Selector } from './selectors.js';
import type { KubeObject } from './types.js';
import { httpWatchSink, WatchHub } from './watch-hub.js';

const OPTS: WriteOptions = { manager: 'test', dryRun: false, fieldValidation: 'Ignore', force: false, warnings: [] };
const N = 5000;

let api: KubeApi;
let lister: Lister;
let cms: ResourceType;

beforeAll(() => {
  api = new KubeApi(100);
  lister = new Lister(api);
  const ns = api.registry.find('', 'v1', 'namespaces') as ResourceType;
  cms = api.registry.find('', 'v1', 'configmaps') as ResourceType;
  for (const name of ['big', 'other']) api.create(ns, 'v1', '', { metadata: { name } }, OPTS);
  for (let i = 0; i < N; i++) {
    const labels: Record<string, string> = { group: `g${i % 100}` };
    if (i % 1000 === 7) labels.rare = 'yes';
    api.create(cms, 'v1', 'big', { metadata: { name: `cm-${String(i).padStart(4, '0')}`, labels } }, OPTS);
  }
  for (let i = 0; i < 10; i++) api.create(cms, 'v1', 'other', { metadata: { name: `o-${i}`, labels: { group: `g${i}` } } }, OPTS);
});

/** A parsed selector whose predicate counts the objects it is applied to. */
function counted(text: string): { selector: Selector; requirements: ListQuery['requirements']; calls: () => number } {
  const parsed = parseLabelQuery(text);
  let calls = 0;
  return {
    selector: (o: KubeObject) => {
      calls++;
      return parsed.selector(o);
    },
    requirements: parsed.requirements,
    calls: () => calls,
  };
}

function list(text: string, namespace: string | undefined, extra: Partial<ListQuery> = {}) {
  const c = counted(text);
  const page = lister.list({
    rt: cms,
    namespace,
    selector: c.selector,
    requirements: c.requirements,
    filtered: true,
    limit: undefined,
    continueToken: null,
    resourceVersion: null,
    resourceVersionMatch: null,
    ...extra,
  });
  return { names: page.items.map((o) => `${o.metadata.namespace}/${o.metadata.name}`), examined: c.calls(), page };
}

/** The answer of a full scan, for comparison. */
function scan(text: string, namespace: string | undefined): string[] {
  const { selector } = parseLabelQuery(text);
  return api.store
    .list(cms.key, namespace)
    .filter((o) => selector(o))
    .map((o) => `${o.metadata.namespace}/${o.metadata.name}`);
}

describe('lists with an indexed label selector', () => {
  it.each([
    ['group=g7', 'big', 50],
    ['group==g7', 'big', 50],
    ['group in (g1, g2, g2)', 'big', 100],
    ['rare', 'big', 5],
    ['group=g7,rare', 'big', 5],
    ['rare,group=g7', 'big', 5],
    ['group=g7,rare=no', 'big', 0],
    ['group=g1', undefined, 51],
    ['group=missing', undefined, 0],
    ['group=g7,!rare', 'big', 50],
  ])('%s in %s examines only %i candidates and answers like a full scan', (text, namespace, examined) => {
    const result = list(text, namespace);
    expect(result.examined).toBe(examined);
    expect(result.names).toEqual(scan(text, namespace));
  });

  it('falls back to a scan without an equality, in or exists requirement', () => {
    const result = list('group!=g7', 'big');
    expect(result.examined).toBe(N);
    expect(result.names).toEqual(scan('group!=g7', 'big'));
  });

  it('pages an indexed list over a consistent snapshot', () => {
    const first = list('group=g3', 'big', { limit: 20 });
    expect(first.examined).toBe(50);
    expect(first.names).toEqual(scan('group=g3', 'big').slice(0, 20));
    api.create(cms, 'v1', 'big', { metadata: { name: 'cm-0000a', labels: { group: 'g3' } } }, OPTS);
    const second = list('group=g3', 'big', { limit: 20, continueToken: first.page.metadata.continue as string });
    expect(second.examined).toBe(0);
    expect(second.names).toEqual(
      scan('group=g3', 'big')
        .filter((n) => n !== 'big/cm-0000a')
        .slice(20, 40),
    );
    expect(second.page.metadata.resourceVersion).toBe(first.page.metadata.resourceVersion);
  });

  it('answers an Exact older resourceVersion from the history, not from the current index', () => {
    const before = String(api.store.revision);
    const target = api.store.get(cms.key, 'big', 'cm-0005') as KubeObject;
    api.update(cms, 'v1', 'big', 'cm-0005', { ...target, metadata: { ...target.metadata, labels: { group: 'moved' } } }, OPTS, '');
    expect(list('group=moved', 'big').names).toEqual(['big/cm-0005']);
    expect(list('group=moved', 'big', { resourceVersion: before, resourceVersionMatch: 'Exact' }).names).toEqual([]);
    expect(list('group=g5', 'big', { resourceVersion: before, resourceVersionMatch: 'Exact' }).names).toContain('big/cm-0005');
    const now = list('group=g5', 'big');
    expect(now.names).not.toContain('big/cm-0005');
    expect(now.examined).toBe(49);
  });
});

describe('index maintenance', () => {
  const relabel = (name: string, labels: Record<string, string>, finalizers?: string[]) => {
    const current = api.store.get(cms.key, 'other', name) as KubeObject;
    api.update(cms, 'v1', 'other', name, { ...current, metadata: { ...current.metadata, labels, finalizers } }, OPTS, '');
  };

  it('moves an object between values when its labels change and forgets it when deleted', () => {
    relabel('o-1', { group: 'g2', extra: 'x' });
    expect(list('group=g1', 'other')).toMatchObject({ names: [], examined: 0 });
    expect(list('group=g2', 'other')).toMatchObject({ names: ['other/o-1', 'other/o-2'], examined: 2 });
    deleteObject(api, cms, 'other', 'o-2', deleteOptionsOf({}, new URLSearchParams()));
    expect(list('group=g2', 'other')).toMatchObject({ names: ['other/o-1'], examined: 1 });
    expect(list('extra', undefined)).toMatchObject({ names: ['other/o-1'], examined: 1 });
  });

  it('removes a terminating object by the labels it was stored with, whatever its last update says', () => {
    relabel('o-3', { fin: 'held' }, ['example.com/hold']);
    deleteObject(api, cms, 'other', 'o-3', deleteOptionsOf({}, new URLSearchParams()));
    expect(list('fin=held', 'other')).toMatchObject({ names: ['other/o-3'], examined: 1 });
    relabel('o-3', { fin: 'released' }, []);
    expect(api.store.get(cms.key, 'other', 'o-3')).toBeUndefined();
    expect(list('fin=held', 'other').examined).toBe(0);
    expect(list('fin=released', 'other').examined).toBe(0);
    expect(list('fin', 'other').examined).toBe(0);
  });
});

describe('a watch without a resourceVersion', () => {
  let hub: WatchHub;
  let server: http.Server;
  let selector: ReturnType<typeof counted>;
  beforeAll(async () => {
    hub = new WatchHub(api, 60_000);
    server = http.createServer((_req, res) => {
      const spec = {
        rt: cms,
        version: 'v1',
        namespace: 'big',
        rendering: 'json' as const,
        includeObject: null,
        bookmarks: false,
        resourceVersion: null,
        sendInitialEvents: false,
        timeoutSeconds: 0,
      };
      hub.start(httpWatchSink(res), { ...spec, selector: selector.selector, requirements: selector.requirements });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  });
  afterAll(async () => {
    hub.stop();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  });

  it('takes its initial state from the index', async () => {
    selector = counted('group=g9');
    const body = await (await fetch(`http://127.0.0.1:${(server.address() as AddressInfo).port}/`)).text();
    const names = body
      .split('\n')
      .filter((l) => l !== '')
      .map((l) => (JSON.parse(l) as { type: string; object: KubeObject }).object.metadata.name);
    expect(selector.calls()).toBe(50);
    expect(names.map((n) => `big/${n}`)).toEqual(scan('group=g9', 'big'));
  });
});
