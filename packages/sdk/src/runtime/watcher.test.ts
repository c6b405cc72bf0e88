import { describe, expect, it } from 'vitest';
import type { KubeObject, Persisted } from '../resource.js';
import { listChanges } from './watcher.js';

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
});
