/**
 * Field errors of built-in kinds as kube-apiserver's `field.ErrorList` prints them (internal): the
 * cause reasons, `Required value`/`Invalid value: <v>: <detail>` messages, and bad values as Go
 * shows them (`%q` for strings, `%v` for numbers, `%#v` for the few composite values used here).
 */
import { goQuote } from '../status.js';
import { isObject, type StatusCause } from '../types.js';

/** `field.Required`: `Required value[: detail]`. */
export const required = (field: string, detail = ''): StatusCause => ({
  reason: 'FieldValueRequired',
  message: detail === '' ? 'Required value' : `Required value: ${detail}`,
  field,
});

/** `field.Invalid` with a value already shown as Go prints it. */
export const invalidShown = (field: string, shown: string, detail: string): StatusCause => ({
  reason: 'FieldValueInvalid',
  message: detail === '' ? `Invalid value: ${shown}` : `Invalid value: ${shown}: ${detail}`,
  field,
});

/** `field.Invalid` with a string (`%q`) or number (`%v`) value. */
export const invalid = (field: string, value: string | number, detail: string): StatusCause => invalidShown(field, goScalar(value), detail);

/** `field.NotSupported`: `Unsupported value: "x": supported values: "a", "b"`. */
export const notSupported = (field: string, value: string, supported: readonly string[]): StatusCause => ({
  reason: 'FieldValueNotSupported',
  message: `Unsupported value: ${goQuote(value)}: supported values: ${supported.map((s) => JSON.stringify(s)).join(', ')}`,
  field,
});

/** `field.Forbidden`. */
export const forbidden = (field: string, detail: string): StatusCause => ({ reason: 'FieldValueForbidden', message: `Forbidden: ${detail}`, field });

/** `field.Duplicate` of a string. */
export const duplicate = (field: string, value: string): StatusCause => ({
  reason: 'FieldValueDuplicate',
  message: `Duplicate value: ${goQuote(value)}`,
  field,
});

/** `field.TooLong` of a byte size (kube 1.32's wording). */
export const tooLong = (field: string, maxBytes: number): StatusCause => ({
  reason: 'FieldValueTooLong',
  message: `Too long: may not be more than ${maxBytes} bytes`,
  field,
});

/** `ValidateImmutableField`'s cause, with the new value as Go shows it. */
export const immutable = (field: string, shown: string): StatusCause => invalidShown(field, shown, 'field is immutable');

/** A string or number as `field.Error` prints it. */
export const goScalar = (v: string | number): string => (typeof v === 'string' ? goQuote(v) : String(v));

/** Go's `%#v` of a `map[string]string` (keys sorted, as fmt prints maps). */
export function goStringMap(map: unknown): string {
  if (!isObject(map)) return 'map[string]string(nil)';
  const entries = Object.keys(map)
    .sort()
    .map((k) => `${goQuote(k)}:${goQuote(String(map[k]))}`);
  return `map[string]string{${entries.join(', ')}}`;
}

/** Go's `%#v` of a `metav1.LabelSelector` (match expressions shown only as present or nil). */
export function goLabelSelector(selector: unknown): string {
  const s = isObject(selector) ? selector : {};
  const expressions =
    Array.isArray(s.matchExpressions) && s.matchExpressions.length > 0 ? `[]v1.LabelSelectorRequirement{…}` : '[]v1.LabelSelectorRequirement(nil)';
  return `v1.LabelSelector{MatchLabels:${goStringMap(s.matchLabels)}, MatchExpressions:${expressions}}`;
}

/** Go's `%#v` of an `intstr.IntOrString`. */
export function goIntOrString(v: unknown): string {
  return typeof v === 'string'
    ? `intstr.IntOrString{Type:1, IntVal:0, StrVal:${goQuote(v)}}`
    : `intstr.IntOrString{Type:0, IntVal:${Number(v ?? 0)}, StrVal:""}`;
}

/** A JSON value read as a string (`''` otherwise), as Go decodes an absent string field. */
export const str = (v: unknown): string => (typeof v === 'string' ? v : '');

/** The objects of a JSON list (none otherwise). */
export const objects = (v: unknown): Record<string, unknown>[] => (Array.isArray(v) ? v.filter(isObject) : []);

/** `a.b` or `a` when the parent is empty. */
export const at = (parent: string, child: string): string => (parent === '' ? child : `${parent}.${child}`);
