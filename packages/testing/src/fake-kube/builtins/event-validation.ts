/**
 * Event validation, as kube-apiserver 1.32's `ValidateEventCreate`/`ValidateEventUpdate` (internal),
 * on the core form of the Event whichever API it came through (so the field paths are core's:
 * `involvedObject.namespace`, `reportingController`, …):
 * - every Event: without `eventTime`, `involvedObject.namespace` must match the Event's namespace
 *   (or both be empty/`default`); with it, `reportingController` (a qualified name),
 *   `reportingInstance`, `action` and `reason` are required (at most 128 characters, `message` 1024);
 * - created through events.k8s.io/v1: also `eventTime` required, `type` Normal or Warning, the
 *   deprecated fields unset, a `series` with `count` ≥ 2 and `lastObservedTime`.
 * Not modelled: the immutability of fields on updates through events.k8s.io/v1.
 */
import { qualifiedNameErrors } from '../name-formats.js';
import { isObject, type KubeObject, type StatusCause } from '../types.js';
import { invalid, required, str } from './causes.js';

const LIMITS: readonly (readonly [string, number, boolean])[] = [
  ['reportingInstance', 128, true],
  ['action', 128, true],
  ['reason', 128, true],
  ['message', 1024, false],
];

function namespaceErrors(event: KubeObject): StatusCause[] {
  const ns = event.metadata.namespace ?? '';
  const involved = str(isObject(event.involvedObject) ? event.involvedObject.namespace : undefined);
  const mismatch = () => [invalid('involvedObject.namespace', involved, 'does not match event.namespace')];
  if (event.eventTime === null || event.eventTime === undefined) {
    if (involved === '') return ns !== '' && ns !== 'default' ? mismatch() : [];
    return ns !== involved ? mismatch() : [];
  }
  return involved === '' && ns !== 'default' && ns !== 'kube-system' ? mismatch() : [];
}

/** `legacyValidateEvent`: the checks every Event passes, whichever API. */
function legacyErrors(event: KubeObject): StatusCause[] {
  const errs = namespaceErrors(event);
  if (event.eventTime === null || event.eventTime === undefined) return errs;
  const controller = str(event.reportingComponent);
  if (controller === '') errs.push(required('reportingController'));
  errs.push(...qualifiedNameErrors(controller).map((m) => invalid('reportingController', controller, m)));
  for (const [field, limit, needed] of LIMITS) {
    const value = str(event[field]);
    if (needed && value === '') errs.push(required(field));
    if (value.length > limit) errs.push(invalid(field, '', `can have at most ${limit} characters`));
  }
  return errs;
}

const isZeroTime = (v: unknown): boolean => v === null || v === undefined;

/** The strict checks of events.k8s.io/v1 creates. */
function strictErrors(event: KubeObject): StatusCause[] {
  const errs: StatusCause[] = [];
  if (isObject(event.series)) {
    if (typeof event.series.count !== 'number' || event.series.count < 2) errs.push(invalid('series.count', '', 'should be at least 2'));
    if (isZeroTime(event.series.lastObservedTime)) errs.push(required('series.lastObservedTime'));
  }
  if (isZeroTime(event.eventTime)) errs.push(required('eventTime'));
  if (event.type !== 'Normal' && event.type !== 'Warning') errs.push(invalid('type', '', `has invalid value: ${str(event.type)}`));
  if (!isZeroTime(event.firstTimestamp)) errs.push(invalid('firstTimestamp', '', 'needs to be unset'));
  if (!isZeroTime(event.lastTimestamp)) errs.push(invalid('lastTimestamp', '', 'needs to be unset'));
  if (typeof event.count === 'number' && event.count !== 0) errs.push(invalid('count', '', 'needs to be unset'));
  const source = isObject(event.source) ? event.source : {};
  if (str(source.component) !== '' || str(source.host) !== '') errs.push(invalid('source', '', 'needs to be unset'));
  return errs;
}

/** The causes of an Event in core form; `strict` on a create through events.k8s.io/v1. */
export function eventErrors(event: KubeObject, strict: boolean): StatusCause[] {
  const errs = legacyErrors(event);
  return strict ? [...errs, ...strictErrors(event)] : errs;
}
