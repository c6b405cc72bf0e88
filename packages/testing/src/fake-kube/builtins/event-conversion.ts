/**
 * One store, two views of Events (internal): kube-apiserver keeps `core/v1` and `events.k8s.io/v1`
 * Events as the same objects (the internal `core.Event`) and converts on the way in and out, so an
 * Event written through one API reads through the other. Stored here in the `core/v1` form; the
 * renamed fields (`pkg/apis/events/v1/conversion.go`):
 * `regarding`↔`involvedObject`, `note`↔`message`, `reportingController`↔`reportingComponent`,
 * `deprecatedSource`/`deprecatedFirstTimestamp`/`deprecatedLastTimestamp`/`deprecatedCount`↔
 * `source`/`firstTimestamp`/`lastTimestamp`/`count`. Fields that are not `omitempty` in a view's Go
 * type appear with their zero value (`eventTime: null`, `reportingComponent: ""`, `source: {}`, …).
 */
import type { ResourceType } from '../resource-type.js';
import { isObject, type JsonObject, type KubeObject } from '../types.js';

/** The key of the `events.k8s.io` view of Events (stored in the core Events' bucket, see ../object-store.ts). */
const EVENTS_V1_KEY = 'events.k8s.io/events';

/** events.k8s.io/v1 name → core/v1 name. */
const RENAMED: readonly (readonly [string, string])[] = [
  ['regarding', 'involvedObject'],
  ['note', 'message'],
  ['reportingController', 'reportingComponent'],
  ['deprecatedSource', 'source'],
  ['deprecatedFirstTimestamp', 'firstTimestamp'],
  ['deprecatedLastTimestamp', 'lastTimestamp'],
  ['deprecatedCount', 'count'],
];

/** Fields of each view that Go always writes (no `omitempty`), with their zero values. */
const CORE_ZERO: JsonObject = {
  involvedObject: {},
  source: {},
  firstTimestamp: null,
  lastTimestamp: null,
  eventTime: null,
  reportingComponent: '',
  reportingInstance: '',
};
const EVENTS_ZERO: JsonObject = { eventTime: null, deprecatedSource: {}, deprecatedFirstTimestamp: null, deprecatedLastTimestamp: null };

/** Whether a resource is the `events.k8s.io` view of Events. */
export const isEventsV1 = (rt: Pick<ResourceType, 'key'>): boolean => rt.key === EVENTS_V1_KEY;

function renamed<T extends KubeObject>(obj: T, pairs: readonly (readonly [string, string])[], apiVersion: string, zero: JsonObject): T {
  const out: JsonObject = { ...obj, apiVersion };
  for (const [from, to] of pairs) {
    delete out[from];
    if (obj[from] !== undefined) out[to] = obj[from];
  }
  if (isObject(obj.series)) out.series = { ...obj.series };
  for (const [key, value] of Object.entries(zero)) if (out[key] === undefined) out[key] = value;
  return out as T;
}

/** An events.k8s.io/v1 Event in the core/v1 form it is stored in. */
export function toCoreEvent<T extends KubeObject>(obj: T): T {
  return renamed(obj, RENAMED, 'v1', CORE_ZERO);
}

/** Fields of events.k8s.io/v1 that are `omitempty` but always written in core/v1. */
const EVENTS_OMIT_EMPTY = ['reportingController', 'reportingInstance'];

/** A stored (core/v1) Event as events.k8s.io/v1 shows it. */
export function toEventsV1<T extends KubeObject>(obj: T): T {
  const out: JsonObject = renamed(
    obj,
    RENAMED.map(([a, b]) => [b, a] as const),
    'events.k8s.io/v1',
    EVENTS_ZERO,
  );
  for (const key of EVENTS_OMIT_EMPTY) if (out[key] === '') delete out[key];
  return out as T;
}

/** The zero values core/v1 always shows, on a core Event as written. */
export function withCoreEventZeros(obj: JsonObject): void {
  for (const [key, value] of Object.entries(CORE_ZERO)) if (obj[key] === undefined) obj[key] = value;
}

/** The core/v1 field an events.k8s.io/v1 field selector names (`regarding.name` → `involvedObject.name`). */
export function coreEventField(field: string): string {
  const [head = '', ...rest] = field.split('.');
  const pair = RENAMED.find(([from]) => from === head);
  return pair ? [pair[1], ...rest].join('.') : field;
}

/** An object in the form it is stored in: events.k8s.io Events as core Events, others as they are. */
export function storedForm<T extends KubeObject>(rt: Pick<ResourceType, 'key'>, obj: T): T {
  return isEventsV1(rt) ? toCoreEvent(obj) : obj;
}

/** A stored Event as events.k8s.io/v1 serves it, or undefined for other resources (and Events already in that form). */
export function presentEvent<T extends KubeObject>(rt: Pick<ResourceType, 'key'>, obj: T): T | undefined {
  return isEventsV1(rt) && obj.apiVersion === 'v1' ? toEventsV1(obj) : undefined;
}
