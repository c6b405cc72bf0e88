/**
 * Request options as kube-apiserver's handlers check them before touching storage (internal):
 * apimachinery's `ValidateCreateOptions`, `ValidateUpdateOptions`, `ValidatePatchOptions`,
 * `ValidateDeleteOptions` and `ValidateListOptions`, each failure a 422 Invalid of the options kind
 * (`PatchOptions.meta.k8s.io "" is invalid: …`); query parameters that do not parse as their Go
 * type are a 400, as the parameter codec answers.
 */
import { badRequest, goQuote, optionsInvalid } from './status.js';
import { isObject, type JsonObject, type StatusCause } from './types.js';

/** `metav1.FieldManagerMaxLength`. */
const FIELD_MANAGER_MAX = 128;
const FIELD_VALIDATIONS = ['', 'Ignore', 'Strict', 'Warn'];
const PROPAGATION = ['Foreground', 'Background', 'Orphan'];
const APPLY_PATCH = /^application\/apply-patch\+(yaml|cbor)$/;

const goList = (values: readonly string[]) => values.map(goQuote).join(', ');
const notSupported = (field: string, shown: string, supported: readonly string[]): StatusCause => ({
  reason: 'FieldValueNotSupported',
  message: `Unsupported value: ${shown}: supported values: ${goList(supported)}`,
  field,
});
const forbidden = (field: string, why: string): StatusCause => ({ reason: 'FieldValueForbidden', message: `Forbidden: ${why}`, field });

/** `ValidateFieldManager`: at most 128 bytes, printable characters only. */
function fieldManagerErrors(manager: string | null): StatusCause[] {
  if (manager === null) return [];
  const errs: StatusCause[] = [];
  if (Buffer.byteLength(manager) > FIELD_MANAGER_MAX)
    errs.push({ reason: 'FieldValueTooLong', message: `Too long: may not be more than ${FIELD_MANAGER_MAX} bytes`, field: 'fieldManager' });
  [...manager].forEach((ch, i) => {
    if (!/^[\p{L}\p{M}\p{N}\p{P}\p{S} ]$/u.test(ch)) {
      const code = `U+${(ch.codePointAt(0) ?? 0).toString(16).toUpperCase().padStart(4, '0')}`;
      errs.push({
        reason: 'FieldValueInvalid',
        message: `Invalid value: ${goQuote(manager)}: invalid character ${code} (at position ${i})`,
        field: 'fieldManager',
      });
    }
  });
  return errs;
}

/** `ValidateDryRun`: only `All`. */
function dryRunErrors(values: readonly string[]): StatusCause[] {
  if (values.every((v) => v === 'All')) return [];
  return [notSupported('dryRun', `[]string{${goList(values)}}`, ['All'])];
}

/** `ValidateFieldValidation`: `""`, `Ignore`, `Strict` or `Warn`. */
function fieldValidationErrors(value: string | null): StatusCause[] {
  if (value === null || FIELD_VALIDATIONS.includes(value)) return [];
  return [notSupported('fieldValidation', goQuote(value), FIELD_VALIDATIONS)];
}

function writeErrors(query: URLSearchParams): StatusCause[] {
  return [...fieldManagerErrors(query.get('fieldManager')), ...dryRunErrors(query.getAll('dryRun')), ...fieldValidationErrors(query.get('fieldValidation'))];
}

/** Checks the options of a create (`CreateOptions`) or update (`UpdateOptions`). */
export function checkWriteOptions(verb: 'create' | 'update', query: URLSearchParams): void {
  const errs = writeErrors(query);
  if (errs.length > 0) throw optionsInvalid(verb === 'create' ? 'CreateOptions' : 'UpdateOptions', errs);
}

/** Checks the options of a patch of `contentType` (`PatchOptions`): `force` is for apply patches only, which need a `fieldManager`. */
export function checkPatchOptions(contentType: string, query: URLSearchParams): void {
  const apply = APPLY_PATCH.test(contentType.split(';')[0]?.trim() ?? '');
  const errs: StatusCause[] = [];
  if (!apply && query.has('force')) errs.push(forbidden('force', 'may not be specified for non-apply patch'));
  if (apply && !query.get('fieldManager'))
    errs.push({ reason: 'FieldValueRequired', message: 'Required value: is required for apply patch', field: 'fieldManager' });
  errs.push(...writeErrors(query));
  if (errs.length > 0) throw optionsInvalid('PatchOptions', errs);
}

/** Checks `DeleteOptions` from the body and the query (the query's values win, as kube decodes them last). */
export function checkDeleteOptions(body: unknown, query: URLSearchParams): void {
  const b: JsonObject = isObject(body) ? body : {};
  const policy = query.get('propagationPolicy') ?? (typeof b.propagationPolicy === 'string' ? b.propagationPolicy : null);
  const orphan = query.has('orphanDependents') || (b.orphanDependents !== undefined && b.orphanDependents !== null);
  const dryRun = query.has('dryRun') ? query.getAll('dryRun') : Array.isArray(b.dryRun) ? b.dryRun.map(String) : [];
  const errs: StatusCause[] = [];
  if (orphan && policy !== null)
    errs.push({
      reason: 'FieldValueInvalid',
      message: `Invalid value: ${goQuote(policy)}: orphanDependents and deletionPropagation cannot be both set`,
      field: 'propagationPolicy',
    });
  if (policy !== null && !PROPAGATION.includes(policy)) errs.push(notSupported('propagationPolicy', goQuote(policy), [...PROPAGATION, 'nil']));
  errs.push(...dryRunErrors(dryRun));
  if (errs.length > 0) throw optionsInvalid('DeleteOptions', errs);
  integerParam(query, 'gracePeriodSeconds');
}

/** Checks `ListOptions` of a list (not a watch): `resourceVersionMatch` needs a `resourceVersion` and no `continue`. */
export function checkListOptions(query: URLSearchParams): void {
  integerParam(query, 'limit');
  integerParam(query, 'timeoutSeconds');
  const match = query.get('resourceVersionMatch') ?? '';
  const rv = query.get('resourceVersion') ?? '';
  const errs: StatusCause[] = [];
  if (match !== '') {
    if (rv === '') errs.push(forbidden('resourceVersionMatch', 'resourceVersionMatch is forbidden unless resourceVersion is provided'));
    if ((query.get('continue') ?? '') !== '') errs.push(forbidden('resourceVersionMatch', 'resourceVersionMatch is forbidden when continue is provided'));
    if (match !== 'Exact' && match !== 'NotOlderThan') errs.push(notSupported('resourceVersionMatch', goQuote(match), ['Exact', 'NotOlderThan', '']));
    if (match === 'Exact' && rv === '0') errs.push(forbidden('resourceVersionMatch', 'resourceVersionMatch "exact" is forbidden for resourceVersion "0"'));
  }
  if (query.has('sendInitialEvents')) errs.push(forbidden('sendInitialEvents', 'sendInitialEvents is forbidden for list'));
  if (errs.length > 0) throw optionsInvalid('ListOptions', errs);
}

/** A query parameter of Go type int64: 400 with `strconv.ParseInt`'s message when it is not one. */
function integerParam(query: URLSearchParams, name: string): void {
  const value = query.get(name);
  if (value !== null && value !== '' && !/^[+-]?\d+$/.test(value)) throw badRequest(`strconv.ParseInt: parsing ${goQuote(value)}: invalid syntax`);
}
