import { EventResource } from '@kubeception/sdk/kube';
import { beforeAll, describe, expect, it } from 'vitest';
import { rawRequest } from './raw.js';
import { failure } from './status-body.js';
import { useTarget } from './target.js';

const { target, resource, ns } = useTarget('events');

const raw = (method: string, path: string, body?: unknown) => rawRequest(target().kubeConfig, method, path, { body });
const core = (query = '') => `/api/v1/namespaces/${ns()}/events${query}`;
const eventsV1 = (query = '') => `/apis/events.k8s.io/v1/namespaces/${ns()}/events${query}`;
/** The names a list of `path` with `fieldSelector` answers, sorted. */
async function selected(path: (query: string) => string, fieldSelector: string): Promise<string[]> {
  const answer = await raw('GET', path(`?fieldSelector=${encodeURIComponent(fieldSelector)}`));
  expect(answer.status).toBe(200);
  return answer
    .json<{ items: { metadata: { name: string } }[] }>()
    .items.map((i) => i.metadata.name)
    .sort();
}
async function created(path: string, body: object): Promise<void> {
  const answer = await raw('POST', path, body);
  expect(answer.status, answer.body).toBe(201);
}

/** A core v1 Event about `involved`. */
const coreEvent = (name: string, involved: { kind: string; name: string; uid: string }, what: { reason: string; type: string; component: string }) => ({
  metadata: { name },
  involvedObject: { ...involved, namespace: ns(), apiVersion: 'v1' },
  reason: what.reason,
  message: `${what.reason} ${involved.name}`,
  type: what.type,
  source: { component: what.component, host: 'node-a' },
  reportingComponent: `${what.component}-reporter`,
  reportingInstance: 'node-a',
  count: 1,
});

/** An events.k8s.io/v1 Event about `regarding`. */
const eventV1 = (name: string, regarding: { kind: string; name: string; uid: string }, what: { reason: string; type: string; controller: string }) => ({
  metadata: { name },
  eventTime: '2024-01-01T00:00:00.000000Z',
  regarding: { ...regarding, namespace: ns(), apiVersion: 'v1' },
  reason: what.reason,
  note: `${what.reason} ${regarding.name}`,
  type: what.type,
  action: 'Check',
  reportingController: what.controller,
  reportingInstance: `${what.controller}-1`,
});

beforeAll(async () => {
  await created(
    core(),
    coreEvent('started', { kind: 'ConfigMap', name: 'settings', uid: 'uid-settings' }, { reason: 'Started', type: 'Normal', component: 'alpha' }),
  );
  await created(core(), coreEvent('pulled', { kind: 'Pod', name: 'web', uid: 'uid-web' }, { reason: 'Pulled', type: 'Warning', component: 'beta' }));
  const regarding = { kind: 'Pod', name: 'api', uid: 'uid-api' };
  await created(eventsV1(), eventV1('checked', regarding, { reason: 'Checked', type: 'Warning', controller: 'example.com/checker' }));
  await created(
    eventsV1(),
    eventV1('noted', { kind: 'ConfigMap', name: 'flags', uid: 'uid-flags' }, { reason: 'Noted', type: 'Normal', controller: 'example.com/noter' }),
  );
});

describe('Event field selectors', () => {
  it.each([
    ['core', 'involvedObject.kind=Pod', ['pulled']],
    ['core', 'involvedObject.name=settings', ['started']],
    ['core', 'involvedObject.uid=uid-web', ['pulled']],
    ['core', 'involvedObject.apiVersion=v1,involvedObject.kind=ConfigMap', ['started']],
    ['core', 'reason=Started', ['started']],
    ['core', 'source=beta', ['pulled']],
    ['core', 'type=Warning', ['pulled']],
    ['core', 'reportingComponent=alpha-reporter', ['started']],
    ['core', 'type!=Warning,reason=Started', ['started']],
    ['core', 'metadata.name=pulled', ['pulled']],
    ['events.k8s.io', 'regarding.kind=Pod', ['checked']],
    ['events.k8s.io', 'regarding.name=flags', ['noted']],
    ['events.k8s.io', 'regarding.uid=uid-api', ['checked']],
    ['events.k8s.io', 'reason=Noted', ['noted']],
    ['events.k8s.io', 'type=Warning', ['checked']],
    ['events.k8s.io', 'reportingController=example.com/noter', ['noted']],
    ['events.k8s.io', 'regarding.namespace=$ns', ['checked', 'noted']],
  ])('%s: %s lists %j among the events each API wrote', async (api, fieldSelector, names) => {
    const path = api === 'core' ? core : eventsV1;
    const written = api === 'core' ? ['pulled', 'started'] : ['checked', 'noted'];
    const listed = await selected(path, fieldSelector.replace('$ns', ns()));
    expect(listed.filter((n) => written.includes(n))).toEqual(names);
  });

  it('involvedObject.namespace picks the events of objects of that namespace', async () => {
    expect(await selected(core, `involvedObject.namespace=${ns()}`)).toEqual(expect.arrayContaining(['pulled', 'started']));
    expect(await selected(core, 'involvedObject.namespace=elsewhere')).toEqual([]);
  });

  it('filter a watch: only the events about the selected object are sent', async () => {
    const { resourceVersion } = (await resource(EventResource).list({ namespace: ns() }))._unsafeUnwrap();
    const seen: string[] = [];
    const watched = (async () => {
      for await (const event of resource(EventResource).watch({ namespace: ns(), resourceVersion, fieldSelector: 'involvedObject.name=watched' })) {
        if (event.type !== 'BOOKMARK' && event.type !== 'ERROR') seen.push(`${event.type} ${event.object.metadata.name}`);
        if (seen.length === 1) break;
      }
    })();
    const about = (name: string) => ({ kind: 'ConfigMap', name, uid: `uid-${name}` });
    await created(core(), coreEvent('unrelated', about('other'), { reason: 'Started', type: 'Normal', component: 'alpha' }));
    await created(core(), coreEvent('related', about('watched'), { reason: 'Started', type: 'Normal', component: 'alpha' }));
    await watched;
    expect(seen).toEqual(['ADDED related']);
  });
});

describe('unsupported field selectors', () => {
  const bad = (message: string) => failure(400, 'BadRequest', message);
  it.each([
    ['core Events', 'involvedObject.color=red', core, 'field label not supported: involvedObject.color'],
    ['events.k8s.io Events', 'involvedObject.kind=Pod', eventsV1, 'field label not supported: involvedObject.kind'],
    [
      'custom objects',
      'spec.role=api',
      (q: string) => `/apis/kubeception.io/v1alpha1/namespaces/${ns()}/certificates${q}`,
      'field label not supported: spec.role',
    ],
    [
      'kinds with only the metadata fields',
      'data.a=1',
      (q: string) => `/api/v1/namespaces/${ns()}/configmaps${q}`,
      '"data.a" is not a known field selector: only "metadata.name", "metadata.namespace"',
    ],
    ['a term without an operator', 'metadata.name', core, "invalid selector: 'metadata.name'; can't understand 'metadata.name'"],
    ['a set-based term', 'metadata.name in (a)', core, "invalid selector: 'metadata.name in (a)'; can't understand 'metadata.name in (a)'"],
  ])('%s: %s is refused with 400 BadRequest', async (_what, fieldSelector, path, message) => {
    const answer = await raw('GET', path(`?fieldSelector=${encodeURIComponent(fieldSelector)}`));
    expect({ status: answer.status, body: answer.json() }).toEqual({ status: 400, body: bad(message) });
  });

  it('on a watch: refused with 400 before any event', async () => {
    const answer = await raw('GET', core(`?watch=1&fieldSelector=${encodeURIComponent('nope=x')}`));
    expect({ status: answer.status, body: answer.json() }).toEqual({ status: 400, body: bad('field label not supported: nope') });
  });
});

describe('field selectors of other kinds', () => {
  beforeAll(async () => {
    const pod = (name: string, nodeName?: string) => ({
      metadata: { name },
      spec: { ...(nodeName ? { nodeName } : {}), containers: [{ name: 'c', image: 'busybox' }] },
    });
    await created(`/api/v1/namespaces/${ns()}/pods`, pod('bound', 'node-a'));
    await created(`/api/v1/namespaces/${ns()}/pods`, pod('unbound'));
    await created(`/api/v1/namespaces/${ns()}/secrets`, { metadata: { name: 'typed' }, type: 'example.com/token', stringData: { t: 'x' } });
    await created(`/api/v1/namespaces/${ns()}/secrets`, { metadata: { name: 'opaque' }, stringData: { t: 'x' } });
  });
  const pods = (q: string) => `/api/v1/namespaces/${ns()}/pods${q}`;

  it.each([
    ['spec.nodeName=node-a', ['bound']],
    ['spec.nodeName=', ['unbound']],
    ['status.phase=Pending', ['bound', 'unbound']],
    ['status.phase=Running', []],
    ['metadata.name!=bound,status.phase=Pending', ['unbound']],
  ])('pods: %s lists %j', async (fieldSelector, names) => {
    expect(await selected(pods, fieldSelector)).toEqual(names);
  });

  it('secrets: type selects by the secret type', async () => {
    expect(await selected((q) => `/api/v1/namespaces/${ns()}/secrets${q}`, 'type=example.com/token')).toEqual(['typed']);
    expect(await selected((q) => `/api/v1/namespaces/${ns()}/secrets${q}`, 'type=Opaque')).toEqual(['opaque']);
  });
});
