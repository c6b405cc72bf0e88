/**
 * Events through both APIs: core/v1 and events.k8s.io/v1 serve the same objects (one name, uid
 * and resourceVersion; fields renamed), each API validates them, and fields Go always writes show
 * their zero values.
 */
import { describe, expect, it } from 'vitest';
import { collection, expectInvalid, invalidCause, requests, requiredCause } from './builtin-requests.js';
import { rawWatch } from './raw.js';
import { useTarget } from './target.js';

const { target, ns } = useTarget('builtin-events');
const api = requests(target);
const coreEvents = () => collection('', 'events', ns());
const eventsV1 = () => collection('events.k8s.io', 'events', ns());
const pod = () => ({ apiVersion: 'v1', kind: 'Pod', name: 'p', namespace: ns() });
/** The object without metadata and type meta, for comparing the rest exactly. */
const body = (answer: { json(): Record<string, unknown> }) => {
  const { metadata: _m, apiVersion: _a, kind: _k, ...rest } = answer.json();
  return rest;
};

const coreEvent = (name: string) => ({
  metadata: { name },
  involvedObject: pod(),
  reason: 'Started',
  message: 'hello',
  type: 'Normal',
  source: { component: 'me' },
  firstTimestamp: '2024-01-01T00:00:00Z',
  lastTimestamp: '2024-01-01T00:00:00Z',
  count: 1,
});
const v1Event = (name: string) => ({
  metadata: { name },
  eventTime: '2024-01-01T00:00:00.000000Z',
  regarding: pod(),
  reason: 'Started',
  note: 'hello',
  type: 'Normal',
  action: 'Start',
  reportingController: 'example.com/ctl',
  reportingInstance: 'ctl-1',
});

describe('Event validation', () => {
  it('refuses a core Event whose involvedObject is not in its namespace', async () => {
    expectInvalid(await api.post(coreEvents(), { metadata: { name: 'bad' } }), 'Event', '', 'bad', [
      invalidCause('involvedObject.namespace', '""', 'does not match event.namespace'),
    ]);
  });

  it('refuses an events.k8s.io Event without eventTime and type, naming the core fields and kind', async () => {
    expectInvalid(await api.post(eventsV1(), { metadata: { name: 'bad' } }), 'Event', '', 'bad', [
      invalidCause('involvedObject.namespace', '""', 'does not match event.namespace'),
      requiredCause('eventTime'),
      invalidCause('type', '""', 'has invalid value: '),
    ]);
  });

  it('requires reportingController, reportingInstance, action and reason of an Event with eventTime', async () => {
    const answer = await api.post(eventsV1(), {
      metadata: { name: 'bad' },
      eventTime: '2024-01-01T00:00:00.000000Z',
      regarding: { namespace: ns() },
      type: 'Normal',
    });
    const QUALIFIED =
      "name part must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyName',  or 'my.name',  or '123-abc', regex used for validation is '([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]')";
    expectInvalid(answer, 'Event', '', 'bad', [
      requiredCause('reportingController'),
      invalidCause('reportingController', '""', 'name part must be non-empty'),
      invalidCause('reportingController', '""', QUALIFIED),
      requiredCause('reportingInstance'),
      requiredCause('action'),
      requiredCause('reason'),
    ]);
  });

  it('refuses the deprecated fields on an events.k8s.io create', async () => {
    const answer = await api.post(eventsV1(), { ...v1Event('bad'), deprecatedCount: 2, deprecatedSource: { component: 'x' } });
    expectInvalid(answer, 'Event', '', 'bad', [invalidCause('count', '""', 'needs to be unset'), invalidCause('source', '""', 'needs to be unset')]);
  });
});

describe('one Event, two APIs', () => {
  it('creates a core Event, its always-written fields at their zero values', async () => {
    const answer = await api.post(coreEvents(), coreEvent('core'));
    const { metadata: _m, ...fields } = coreEvent('core');
    expect({ status: answer.status, body: body(answer) }).toEqual({
      status: 201,
      body: { ...fields, eventTime: null, reportingComponent: '', reportingInstance: '' },
    });
  });

  it('serves a core Event through events.k8s.io/v1, renamed', async () => {
    await api.post(coreEvents(), coreEvent('core-read'));
    const answer = await api.get(`${eventsV1()}/core-read`);
    expect({ status: answer.status, apiVersion: answer.json().apiVersion, body: body(answer) }).toEqual({
      status: 200,
      apiVersion: 'events.k8s.io/v1',
      body: {
        eventTime: null,
        reason: 'Started',
        regarding: pod(),
        note: 'hello',
        type: 'Normal',
        deprecatedSource: { component: 'me' },
        deprecatedFirstTimestamp: '2024-01-01T00:00:00Z',
        deprecatedLastTimestamp: '2024-01-01T00:00:00Z',
        deprecatedCount: 1,
      },
    });
  });

  it('creates an events.k8s.io Event and serves it through core/v1', async () => {
    const created = await api.post(eventsV1(), v1Event('v1'));
    const { metadata: _m, ...fields } = v1Event('v1');
    expect({ status: created.status, body: body(created) }).toEqual({
      status: 201,
      body: { ...fields, deprecatedSource: {}, deprecatedFirstTimestamp: null, deprecatedLastTimestamp: null },
    });
    expect(body(await api.get(`${coreEvents()}/v1`))).toEqual({
      involvedObject: pod(),
      reason: 'Started',
      message: 'hello',
      source: {},
      firstTimestamp: null,
      lastTimestamp: null,
      type: 'Normal',
      eventTime: '2024-01-01T00:00:00.000000Z',
      action: 'Start',
      reportingComponent: 'example.com/ctl',
      reportingInstance: 'ctl-1',
    });
  });

  it('shares name, uid and resourceVersion, lists and field selectors across both APIs', async () => {
    const created = (await api.post(coreEvents(), coreEvent('shared'))).json<{ metadata: { uid: string; resourceVersion: string } }>();
    const viaV1 = (await api.get(`${eventsV1()}/shared`)).json<{ metadata: { uid: string; resourceVersion: string } }>();
    expect(viaV1.metadata).toMatchObject({ uid: created.metadata.uid, resourceVersion: created.metadata.resourceVersion });
    const listed = (await api.get(`${eventsV1()}?fieldSelector=regarding.name%3Dp`)).json<{ items: { metadata: { name: string } }[] }>();
    expect(listed.items.map((e) => e.metadata.name)).toContain('shared');
    const refused = await api.get(`${eventsV1()}?fieldSelector=involvedObject.name%3Dp`);
    expect({ status: refused.status, message: refused.json().message }).toEqual({ status: 400, message: 'field label not supported: involvedObject.name' });
  });

  it('sends a core write to events.k8s.io watchers, in their form', async () => {
    const { resourceVersion } = (await api.get(eventsV1())).json<{ metadata: { resourceVersion: string } }>().metadata;
    await api.post(coreEvents(), coreEvent('watched'));
    const query = `watch=true&timeoutSeconds=1&resourceVersion=${resourceVersion}&fieldSelector=regarding.name%3Dp`;
    const watch = await rawWatch(target().kubeConfig, `${eventsV1()}?${query}`);
    const seen = watch.events.map((e) => [e.type, e.object.apiVersion, e.object.metadata?.name, e.object.note]);
    expect(seen).toEqual([['ADDED', 'events.k8s.io/v1', 'watched', 'hello']]);
  });

  it('deletes through either API', async () => {
    await api.post(eventsV1(), v1Event('gone'));
    expect((await api.delete(`${coreEvents()}/gone`)).status).toBe(200);
    expect((await api.get(`${eventsV1()}/gone`)).status).toBe(404);
  });

  it('stores firstTimestamp to the second, in UTC', async () => {
    const created = await api.post(coreEvents(), { ...coreEvent('time'), firstTimestamp: '2024-01-01T01:00:00.5+01:00' });
    expect(created.json().firstTimestamp).toBe('2024-01-01T00:00:00Z');
  });
});
