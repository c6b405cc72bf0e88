/** Per-kind preparation of objects before they are stored: schema, defaults, status on create (internal). */
import { ruleTree } from './cel-rules.js';
import { blocksRules, evaluateRules, RULES_NOT_CHECKED } from './cel-validate.js';
import { hasStatus } from './registry.js';
import type { ResourceType } from './resource-type.js';
import { pruneAndDefault } from './schema-defaults.js';
import { validateSchema } from './schema-validate.js';
import { badRequest } from './status.js';
import { deepEqual, isObject, type JsonObject, type KubeObject, type StatusCause } from './types.js';

/** How unknown fields are reported (`fieldValidation` query parameter). */
export type FieldValidation = 'Strict' | 'Warn' | 'Ignore';

/**
 * Prunes and defaults a custom resource against its version's schema (in place; 400 for unknown
 * fields with `Strict`), then appends to `errs` (which holds its metadata's causes) the schema's
 * causes and, unless a cause so far blocks them, its CEL rules' (`old`: the stored object, on updates).
 */
export function admitCustomResource(
  obj: KubeObject,
  rt: ResourceType,
  version: string,
  mode: FieldValidation,
  warnings: string[],
  errs: StatusCause[],
  old?: KubeObject,
): void {
  const schema = rt.crd?.versions.get(version)?.schema;
  if (!schema) return;
  const pruned = pruneAndDefault(obj as JsonObject, schema);
  if (pruned.length > 0 && mode === 'Strict') {
    const list = pruned.map((p) => `unknown field ${JSON.stringify(p)}`).join(', ');
    throw badRequest(`${rt.kind} in version "${version}" cannot be handled as a ${rt.kind}: strict decoding error: ${list}`);
  }
  if (mode === 'Warn') for (const p of pruned) warnings.push(`unknown field ${JSON.stringify(p)}`);
  validateSchema(obj, { ...schema, properties: { ...(isObject(schema.properties) ? schema.properties : {}), metadata: undefined } }, '', errs);
  const rules = ruleTree(schema);
  if (rules && blocksRules(errs)) errs.push(RULES_NOT_CHECKED);
  else if (rules) {
    const outcome = evaluateRules(rules, obj as JsonObject, old as JsonObject | undefined);
    errs.push(...outcome.errors);
    warnings.push(...outcome.warnings);
  }
}

/**
 * Validation of built-in kinds on update, beyond metadata: a Secret's `type` is immutable, and an
 * `immutable` Secret or ConfigMap keeps its data and stays immutable.
 */
export function builtinUpdateErrors(rt: ResourceType, old: KubeObject, next: KubeObject): StatusCause[] {
  if (rt.key !== '/secrets' && rt.key !== '/configmaps') return [];
  const errs: StatusCause[] = [];
  if (rt.key === '/secrets' && next.type !== old.type) {
    errs.push({ reason: 'FieldValueInvalid', field: 'type', message: `Invalid value: ${JSON.stringify(next.type ?? '')}: field is immutable` });
  }
  if (old.immutable === true) {
    const locked = 'field is immutable when `immutable` is set';
    if (next.immutable !== true) errs.push({ reason: 'FieldValueForbidden', field: 'immutable', message: `Forbidden: ${locked}` });
    for (const field of rt.key === '/secrets' ? ['data'] : ['data', 'binaryData']) {
      if (!deepEqual(emptyAsUndefined(old[field]), emptyAsUndefined(next[field])))
        errs.push({ reason: 'FieldValueForbidden', field, message: `Forbidden: ${locked}` });
    }
  }
  return errs;
}

const emptyAsUndefined = (v: unknown): unknown => (isObject(v) && Object.keys(v).length === 0 ? undefined : v);

const ensure = (obj: JsonObject, key: string): JsonObject => {
  if (!isObject(obj[key])) obj[key] = {};
  return obj[key] as JsonObject;
};

/** The defaults of Namespaces and Secrets (the other built-in kinds': ./builtins/defaults.ts). */
export function builtinDefaults(rt: ResourceType, obj: KubeObject): void {
  if (rt.key === '/namespaces') obj.metadata.labels = { ...obj.metadata.labels, 'kubernetes.io/metadata.name': obj.metadata.name ?? '' };
  else if (rt.key === '/secrets') (obj as JsonObject).type ||= 'Opaque';
}

/** What a create keeps of `status`: custom resources and most built-ins with a status subresource drop it. */
export function statusOnCreate(rt: ResourceType, version: string, obj: KubeObject): void {
  if (!hasStatus(rt, version) || rt.key === '/nodes' || rt.key === 'apiextensions.k8s.io/customresourcedefinitions') return;
  const o = obj as JsonObject;
  if (rt.crd) delete o.status;
  else if (rt.key === '/pods') o.status = { phase: 'Pending' };
  else if (rt.key === '/namespaces') o.status = { phase: 'Active' };
  else o.status = {};
}

/** Namespace on create: namespace gets `spec.finalizers: [kubernetes]`. */
export function namespaceOnCreate(rt: ResourceType, obj: KubeObject): void {
  if (rt.key !== '/namespaces') return;
  const spec = ensure(obj as JsonObject, 'spec');
  spec.finalizers ??= ['kubernetes'];
}
