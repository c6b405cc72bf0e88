/** Label and field selectors (internal). */
import { coreEventField, isEventsV1 } from './builtins/event-conversion.js';
import { hasLabel, labelsOf, labelValue, type LabelRequirement } from './label-index.js';
import { qualifiedNameErrors } from './name-formats.js';
import type { ResourceType } from './resource-type.js';
import { badRequest } from './status.js';
import { isObject, type KubeObject } from './types.js';

/** Matches an object. */
export type Selector = (object: KubeObject) => boolean;

const MATCH_ALL: Selector = () => true;

/** Splits on commas outside parentheses. */
function splitTerms(text: string): string[] {
  const out: string[] = [];
  let depth = 0;
  let cur = '';
  for (const ch of text) {
    if (ch === '(') depth++;
    if (ch === ')') depth--;
    if (ch === ',' && depth === 0) {
      out.push(cur);
      cur = '';
    } else cur += ch;
  }
  out.push(cur);
  return out.map((t) => t.trim()).filter((t) => t.length > 0);
}

function checkKey(key: string, term: string): string {
  if (qualifiedNameErrors(key).length > 0) throw badRequest(`unable to parse requirement: invalid label key "${key}" in "${term}"`);
  return key;
}

/** One parsed label requirement: its predicate, and what the label index can answer of it. */
interface LabelTerm {
  readonly match: Selector;
  readonly index?: LabelRequirement;
}

function setTerm(key: string, op: string, list: string): LabelTerm {
  const values = new Set(
    list
      .split(',')
      .map((v) => v.trim())
      .filter((v) => v !== ''),
  );
  if (op === 'notin') return { match: (o) => !values.has(labelValue(o, key) as string) };
  return { match: (o) => values.has(labelValue(o, key) as string), index: { key, values: [...values] } };
}

function compareTerm(key: string, op: string, value: string): LabelTerm {
  if (op === '!=') return { match: (o) => labelValue(o, key) !== value };
  if (op === '<' || op === '>') {
    const n = Number(value);
    if (!Number.isInteger(n)) throw badRequest(`unable to parse requirement: for 'Gt', 'Lt' operators, the value must be an integer`);
    return {
      match: (o) => {
        const v = Number(hasLabel(o, key) ? labelsOf(o)[key] : undefined);
        return Number.isFinite(v) && (op === '<' ? v < n : v > n);
      },
    };
  }
  return { match: (o) => labelValue(o, key) === value, index: { key, values: [value] } };
}

function labelTerm(term: string): LabelTerm {
  const set = /^(\S+)\s+(in|notin)\s*\(([^)]*)\)$/.exec(term);
  if (set) return setTerm(checkKey(set[1] as string, term), set[2] as string, set[3] as string);
  const cmp = /^([^=!<>\s]+)\s*(==|=|!=|<|>)\s*(\S*)$/.exec(term);
  if (cmp) {
    const [, rawKey, op, value] = cmp as unknown as [string, string, string, string];
    return compareTerm(checkKey(rawKey, term), op, value);
  }
  if (term.startsWith('!')) {
    const key = checkKey(term.slice(1).trim(), term);
    return { match: (o) => !hasLabel(o, key) };
  }
  const key = checkKey(term, term);
  return { match: (o) => hasLabel(o, key), index: { key } };
}

/** A parsed selector: the whole predicate, and the label requirements an index can narrow with. */
export interface ParsedSelector {
  /** Matches an object against every requirement. */
  readonly selector: Selector;
  /** Equality, `in` and exists requirements (every match satisfies all of them). */
  readonly requirements: readonly LabelRequirement[];
}

/** Parses a `labelSelector` into its predicate and its indexable requirements. */
export function parseLabelQuery(text: string | null): ParsedSelector {
  if (!text) return { selector: MATCH_ALL, requirements: [] };
  const terms = splitTerms(text).map(labelTerm);
  const requirements = terms.flatMap((t) => (t.index ? [t.index] : []));
  return { selector: (o) => terms.every((t) => t.match(o)), requirements };
}

/** Parses a `labelSelector` (`=`, `==`, `!=`, `in`, `notin`, exists, `!key`, `<`, `>`). */
export function parseLabelSelector(text: string | null): Selector {
  return parseLabelQuery(text).selector;
}

const COMMON = ['metadata.name', 'metadata.namespace'];
const FIELDS: Record<string, readonly string[]> = {
  '/pods': [
    'spec.nodeName',
    'spec.restartPolicy',
    'spec.schedulerName',
    'spec.serviceAccountName',
    'spec.hostNetwork',
    'status.phase',
    'status.podIP',
    'status.nominatedNodeName',
  ],
  '/events': [
    'involvedObject.kind',
    'involvedObject.namespace',
    'involvedObject.name',
    'involvedObject.uid',
    'involvedObject.apiVersion',
    'involvedObject.resourceVersion',
    'involvedObject.fieldPath',
    'reason',
    'reportingComponent',
    'source',
    'type',
  ],
  'events.k8s.io/events': [
    'regarding.kind',
    'regarding.namespace',
    'regarding.name',
    'regarding.uid',
    'regarding.apiVersion',
    'reason',
    'reportingController',
    'type',
  ],
  '/secrets': ['type'],
  '/namespaces': ['status.phase'],
  '/nodes': ['spec.unschedulable'],
  'batch/jobs': ['status.successful'],
  'apps/replicasets': ['status.replicas'],
};

function fieldValue(object: KubeObject, path: string): string {
  let cur: unknown = object;
  for (const part of path.split('.')) cur = isObject(cur) ? cur[part] : undefined;
  if (path === 'source' && isObject(cur)) cur = cur.component;
  return cur === undefined || cur === null ? '' : String(cur);
}

/**
 * The 400 for a field a kind cannot be selected by: kinds with field label conversions of their
 * own (those of FIELDS) and custom resources answer `field label not supported`, the others
 * `runtime.DefaultMetaV1FieldSelectorConversion`'s message.
 */
function unsupportedField(rt: ResourceType, field: string) {
  if (rt.crd || FIELDS[rt.key]) return badRequest(`field label not supported: ${field}`);
  return badRequest(`"${field}" is not a known field selector: only "metadata.name", "metadata.namespace"`);
}

/** Parses a `fieldSelector` for a resource; unknown fields are a 400 like the real server. */
export function parseFieldSelector(text: string | null, rt: ResourceType): Selector {
  if (!text) return MATCH_ALL;
  const allowed = [...COMMON, ...(FIELDS[rt.key] ?? [])];
  const terms = splitTerms(text).map((term): Selector => {
    const m = /^([^=!\s]+)\s*(==|=|!=)\s*(.*)$/.exec(term);
    if (!m) throw badRequest(`invalid selector: '${text}'; can't understand '${term}'`);
    const [, field, op, value] = m as unknown as [string, string, string, string];
    if (!allowed.includes(field)) throw unsupportedField(rt, field);
    // events.k8s.io Events are stored as core Events: their field labels convert to core's (`regarding.name` → `involvedObject.name`)
    const path = isEventsV1(rt) ? coreEventField(field) : field;
    return op === '!=' ? (o) => fieldValue(o, path) !== value : (o) => fieldValue(o, path) === value;
  });
  return (o) => terms.every((t) => t(o));
}

/** Both selectors of a request, with the label requirements the store's index can answer. */
export function selectorsOf(query: URLSearchParams, rt: ResourceType): ParsedSelector {
  const { selector: label, requirements } = parseLabelQuery(query.get('labelSelector'));
  const field = parseFieldSelector(query.get('fieldSelector'), rt);
  if (label === MATCH_ALL) return { selector: field, requirements };
  if (field === MATCH_ALL) return { selector: label, requirements };
  return { selector: (o) => label(o) && field(o), requirements };
}

/**
 * The selectors of a list or watch given as options (the in-process client's), parsed as the
 * server parses its query; `filtered` when either was given.
 */
export function selectionOf(
  rt: ResourceType,
  options: { readonly labelSelector?: string; readonly fieldSelector?: string },
): ParsedSelector & { readonly filtered: boolean } {
  const query = new URLSearchParams();
  if (options.labelSelector) query.set('labelSelector', options.labelSelector);
  if (options.fieldSelector) query.set('fieldSelector', options.fieldSelector);
  return { ...selectorsOf(query, rt), filtered: query.size > 0 };
}
