import { describe, expect, it } from 'vitest';
import type { KubeObject, Persisted } from '../resource.js';
import { createStore, objectKey } from './store.js';
import { knownFrom, listChanges, type WatcherEvent } from './watcher.js';

const obj = (name: string, rv: string) =>
  ({ metadata: { name, namespace: 'ns', uid: `uid-${name}`, resourceVersion: rv, generation: 1 } }) as Persisted<KubeObject>;

describe('listChanges', () => {
  it('emits every object of a first list as initial, and keeps them', () => {
    const known = new Map<string, Persisted<KubeObject>>();
    const events = [...listChanges(known, [obj('a', '1'), obj('b', '2')], true)];
    expect(events.map((e) => [e.type, e.type === 'Applied' && e.object.metadata.name, e.type === 'Applied' && e.initial])).toEqual([
      ['Applied', 'a', true],
      ['Applied', 'b', true],
    ]);
    expect([...known.keys()]).toEqual(['ns/a', 'ns/b']);
  });

  it('after a relist: Applied for objects new or changed, Deleted for those gone, nothing for those unchanged', () => {
    const known = new Map([obj('same', '1'), obj('changed', '1'), obj('gone', '1')].map((o) => [`ns/${o.metadata.name}`, o]));
    const gone = known.get('ns/gone');
    const events = [...listChanges(known, [obj('same', '1'), obj('changed', '5'), obj('new', '6')], false)];
    expect(events).toEqual([
      { type: 'Applied', object: obj('changed', '5'), initial: false },
      { type: 'Applied', object: obj('new', '6'), initial: false },
      { type: 'Deleted', object: gone },
    ]);
    expect([...known.keys()].sort()).toEqual(['ns/changed', 'ns/new', 'ns/same']);
  });

  it("over its consumer's store (an informer's): compares with the store's versions and leaves the writing to the consumer, who applies each event before the next", () => {
    const writer = createStore<KubeObject>();
    for (const o of [obj('same', '1'), obj('changed', '1'), obj('gone', '1')]) writer.upsert(o);
    const gone = writer.reader.get('ns/gone');
    const known = knownFrom(writer.reader);
    const events: WatcherEvent<KubeObject>[] = [];
    for (const event of listChanges(known, [obj('same', '1'), obj('changed', '5'), obj('new', '6')], false)) {
      events.push(event);
      // the watcher wrote nothing: the store holds the object as before the event
      if (event.type === 'Applied')
        expect(writer.reader.get(objectKey(event.object))?.metadata.resourceVersion).not.toBe(event.object.metadata.resourceVersion);
      if (event.type === 'Deleted') expect(writer.reader.get(objectKey(event.object))).toBeDefined();
      if (event.type === 'Applied') writer.upsert(event.object);
      else if (event.type === 'Deleted') writer.remove(objectKey(event.object));
    }
    expect(events).toEqual([
      { type: 'Applied', object: obj('changed', '5'), initial: false },
      { type: 'Applied', object: obj('new', '6'), initial: false },
      { type: 'Deleted', object: gone },
    ]);
    expect(writer.reader.list().map(objectKey).sort()).toEqual(['ns/changed', 'ns/new', 'ns/same']);
  });
});
