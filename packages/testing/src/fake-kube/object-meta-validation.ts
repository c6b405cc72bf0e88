/**
 * ObjectMeta validation, for every kind, built-in and custom (internal): kube-apiserver 1.32's
 * `ValidateObjectMetaAccessor` (the kind's strategy on create; the common checks on update) and
 * `ValidateObjectMetaAccessorUpdate`, with its field paths and messages.
 *
 * - `name` (required) and `generateName` by the kind's rule: RFC 1123 label for Namespaces, RFC 1035
 *   label for Services, path segment for RBAC kinds, RFC 1123 subdomain otherwise (a generateName
 *   ending in '-' is checked as kube masks it); on update by the path-segment rule.
 * - `labels`: keys are qualified names (`[prefix/]name`, prefix a DNS subdomain of at most 253 bytes,
 *   name at most 63 bytes), values at most 63 bytes of the label charset, or empty.
 * - `annotations`: keys are qualified names (case-insensitive); keys and values total at most 256 KiB.
 * - `ownerReferences`: an apiVersion with a version, a kind, name and uid; no Event owner; at most one
 *   `controller: true`.
 * - `finalizers`: qualified names, not both `orphan` and `foregroundDeletion`; on update, no new
 *   finalizers once `deletionTimestamp` is set.
 *
 * Each cause is `FieldValueInvalid` on the list's field (`metadata.labels`, not the key) with the bad
 * key or value as Go's `%q` prints it, or `FieldValueTooLong` / `FieldValueForbidden`.
 *
 * Caveats: kube 1.32 runs these checks up to three times on an update (common, update and the kind's
 * own) and repeats identical causes in `details.causes`; here each appears once (the message,
 * which kube de-duplicates, is the same). `managedFields` entries, `generation` (server-set) and
 * `namespace` (from the URL, which must name an existing namespace) are not validated here.
 */
import { dns1035LabelErrors, dns1123LabelErrors, dns1123SubdomainErrors, labelValueErrors, pathSegmentErrors, qualifiedNameErrors } from './name-formats.js';
import type { ResourceType } from './resource-type.js';
import { goQuote } from './status.js';
import { isObject, type ObjectMeta, type StatusCause } from './types.js';

/** A kube `ValidateNameFunc`: `prefix` when the value is a generateName. */
type NameRule = (name: string, prefix: boolean) => string[];

const TOTAL_ANNOTATION_SIZE_LIMIT = 256 * 1024;

/** A generateName ending in '-' is checked with its last two characters replaced by 'a' (kube's `maskTrailingDash`). */
const masked = (name: string, prefix: boolean): string => (prefix && name.length > 1 && name.endsWith('-') ? `${name.slice(0, -2)}a` : name);
const subdomainName: NameRule = (n, p) => dns1123SubdomainErrors(masked(n, p));
const labelName: NameRule = (n, p) => dns1123LabelErrors(masked(n, p));
const dns1035Name: NameRule = (n, p) => dns1035LabelErrors(masked(n, p));
/** RBAC names: a path segment, the same for a generateName. */
const rbacName: NameRule = (n) => pathSegmentErrors(n, false);
const pathSegmentName: NameRule = (n, p) => pathSegmentErrors(n, p);

function nameRuleOf(rt: ResourceType): NameRule {
  if (rt.group === 'rbac.authorization.k8s.io') return rbacName;
  if (rt.key === '/namespaces') return labelName;
  if (rt.key === '/services') return dns1035Name;
  return subdomainName;
}

const invalidValue = (field: string, shown: string, detail: string): StatusCause => ({
  reason: 'FieldValueInvalid',
  message: `Invalid value: ${shown}: ${detail}`,
  field,
});
const invalidString = (field: string, value: string, detail: string): StatusCause => invalidValue(field, goQuote(value), detail);
const stringEntries = (map: unknown): [string, string][] =>
  isObject(map) ? Object.entries(map).filter((e): e is [string, string] => typeof e[1] === 'string') : [];
const strings = (list: unknown): string[] => (Array.isArray(list) ? list.filter((s): s is string => typeof s === 'string') : []);
const str = (v: unknown): string => (typeof v === 'string' ? v : '');

function nameErrors(meta: ObjectMeta, rule: NameRule): StatusCause[] {
  const errs: StatusCause[] = [];
  const { name, generateName } = meta;
  if (generateName) errs.push(...rule(generateName, true).map((m) => invalidString('metadata.generateName', generateName, m)));
  if (!name) errs.push({ reason: 'FieldValueRequired', message: 'Required value: name or generateName is required', field: 'metadata.name' });
  else errs.push(...rule(name, false).map((m) => invalidString('metadata.name', name, m)));
  return errs;
}

function labelErrors(labels: unknown): StatusCause[] {
  const errs: StatusCause[] = [];
  for (const [key, value] of stringEntries(labels)) {
    errs.push(...qualifiedNameErrors(key).map((m) => invalidString('metadata.labels', key, m)));
    errs.push(...labelValueErrors(value).map((m) => invalidString('metadata.labels', value, m)));
  }
  return errs;
}

function annotationErrors(annotations: unknown): StatusCause[] {
  const errs: StatusCause[] = [];
  let size = 0;
  for (const [key, value] of stringEntries(annotations)) {
    errs.push(...qualifiedNameErrors(key.toLowerCase()).map((m) => invalidString('metadata.annotations', key, m)));
    size += Buffer.byteLength(key, 'utf8') + Buffer.byteLength(value, 'utf8');
  }
  if (size > TOTAL_ANNOTATION_SIZE_LIMIT) {
    errs.push({ reason: 'FieldValueTooLong', message: `Too long: may not be more than ${TOTAL_ANNOTATION_SIZE_LIMIT} bytes`, field: 'metadata.annotations' });
  }
  return errs;
}

/** Group and version of an apiVersion as `schema.ParseGroupVersion` reads it (both empty when it cannot). */
function groupVersion(apiVersion: string): { group: string; version: string } {
  if (apiVersion === '' || apiVersion === '/') return { group: '', version: '' };
  const parts = apiVersion.split('/');
  if (parts.length === 1) return { group: '', version: apiVersion };
  return parts.length === 2 ? { group: parts[0] as string, version: parts[1] as string } : { group: '', version: '' };
}

/** Go's `%#v` of a `*bool` field; the address of a set one is made up. */
const goBoolPointer = (v: unknown): string => (typeof v === 'boolean' ? '(*bool)(0xc000a1c2e8)' : '(*bool)(nil)');

/** The references as Go's `%#v` prints a `[]metav1.OwnerReference`. */
function goOwnerReferences(refs: readonly Record<string, unknown>[]): string {
  const one = (r: Record<string, unknown>) =>
    `v1.OwnerReference{APIVersion:${goQuote(str(r.apiVersion))}, Kind:${goQuote(str(r.kind))}, Name:${goQuote(str(r.name))}, UID:${goQuote(str(r.uid))}, ` +
    `Controller:${goBoolPointer(r.controller)}, BlockOwnerDeletion:${goBoolPointer(r.blockOwnerDeletion)}}`;
  return `[]v1.OwnerReference{${refs.map(one).join(', ')}}`;
}

/** One reference as its generated `String()` prints it. */
function ownerReferenceString(r: Record<string, unknown>): string {
  const ptr = (v: unknown) => (typeof v === 'boolean' ? `*${String(v)}` : 'nil');
  return `&OwnerReference{APIVersion:${str(r.apiVersion)},Kind:${str(r.kind)},Name:${str(r.name)},UID:${str(r.uid)},Controller:${ptr(r.controller)},BlockOwnerDeletion:${ptr(r.blockOwnerDeletion)},}`;
}

function ownerReferenceErrors(list: unknown): StatusCause[] {
  const at = 'metadata.ownerReferences';
  const refs = (Array.isArray(list) ? list : []).map((r) => (isObject(r) ? r : {}));
  const errs: StatusCause[] = [];
  let firstController = '';
  for (const ref of refs) {
    const [apiVersion, kind, name, uid] = [str(ref.apiVersion), str(ref.kind), str(ref.name), str(ref.uid)];
    const { group, version } = groupVersion(apiVersion);
    if (version === '') errs.push(invalidString(`${at}.apiVersion`, apiVersion, 'version must not be empty'));
    if (kind === '') errs.push(invalidString(`${at}.kind`, kind, 'kind must not be empty'));
    if (name === '') errs.push(invalidString(`${at}.name`, name, 'name must not be empty'));
    if (uid === '') errs.push(invalidString(`${at}.uid`, uid, 'uid must not be empty'));
    if (group === '' && version === 'v1' && kind === 'Event')
      errs.push(invalidValue(at, ownerReferenceString(ref), '/v1, Kind=Event is disallowed from being an owner'));
    if (ref.controller !== true) continue;
    if (firstController === '') firstController = `${kind}/${name}`;
    else
      errs.push(
        invalidValue(
          at,
          goOwnerReferences(refs),
          `Only one reference can have Controller set to true. Found "true" in references for ${firstController} and ${kind}/${name}`,
        ),
      );
  }
  return errs;
}

function finalizerErrors(list: unknown): StatusCause[] {
  const finalizers = strings(list);
  const errs = finalizers.flatMap((f) => qualifiedNameErrors(f).map((m) => invalidString('metadata.finalizers', f, m)));
  if (finalizers.includes('orphan') && finalizers.includes('foregroundDeletion')) {
    errs.push(
      invalidValue('metadata.finalizers', `[]string{${finalizers.map(goQuote).join(', ')}}`, 'finalizer orphan and foregroundDeletion cannot be both set'),
    );
  }
  return errs;
}

/** Finalizers an update adds while the object is being deleted (kube forbids that). */
function newFinalizersWhileDeleting(old: ObjectMeta, next: ObjectMeta): StatusCause[] {
  if (old.deletionTimestamp === undefined) return [];
  const before = new Set(old.finalizers ?? []);
  const extra = [...new Set(strings(next.finalizers))].filter((f) => !before.has(f)).sort();
  if (extra.length === 0) return [];
  const list = `[]string{${extra.map(goQuote).join(', ')}}`;
  return [
    {
      reason: 'FieldValueForbidden',
      message: `Forbidden: no new finalizers can be added if the object is being deleted, found new finalizers ${list}`,
      field: 'metadata.finalizers',
    },
  ];
}

/**
 * The causes of a 422 for an object's metadata, in kube's order (empty when valid): `old` is the
 * stored object's metadata on an update, undefined on a create (after name generation).
 */
export function objectMetaErrors(rt: ResourceType, meta: ObjectMeta, old?: ObjectMeta): StatusCause[] {
  const errs = [
    ...nameErrors(meta, old ? pathSegmentName : nameRuleOf(rt)),
    ...labelErrors(meta.labels),
    ...annotationErrors(meta.annotations),
    ...ownerReferenceErrors(meta.ownerReferences),
    ...finalizerErrors(meta.finalizers),
  ];
  if (old) errs.push(...newFinalizersWhileDeleting(old, meta));
  return errs;
}
