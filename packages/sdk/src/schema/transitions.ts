/**
 * CEL transition rules (`x-kubernetes-validations` naming `oldSelf`): changes an operator cannot
 * carry out are refused by the API server instead of being ignored. The API server runs a
 * transition rule only on updates where the field had a value before, so creating is free.
 *
 * The SDK's validator cannot check these (it sees one object, not a change): operators must still
 * compare the spec with what they recorded in status, for objects written before a rule existed.
 */

/** A CEL rule as it appears in `x-kubernetes-validations`. */
export interface TransitionRule {
  readonly rule: string;
  readonly message: string;
  readonly messageExpression?: string;
  readonly fieldPath?: string;
}

/** The value may not change once the object exists (`path` names it in the message). */
export function immutable(path: string): TransitionRule {
  return { rule: 'self == oldSelf', message: `${path} is immutable` };
}

/**
 * On an object: its optional `field` may be set later, but once set it may neither change nor be
 * unset. The error points at the field (`fieldPath`).
 */
export function immutableOnceSet(field: string, path: string): TransitionRule {
  return {
    rule: `!has(oldSelf.${field}) || (has(self.${field}) && self.${field} == oldSelf.${field})`,
    message: `${path} is immutable once set`,
    fieldPath: `.${field}`,
  };
}

/** `major * 1000 + minor` of a `major.minor.patch` string: CEL has no semver type. */
const minorOf = (v: string) => `(int(${v}.split('.')[0]) * 1000 + int(${v}.split('.')[1]))`;

/**
 * The version skew policy (docs/decisions/006-version-skew.md) on a `major.minor.patch` field:
 * never down a minor version, up one minor version per change, patch versions free.
 */
export function versionSkew(path: string): TransitionRule[] {
  const down = `${path} may not go down a minor version`;
  const skip = `${path} may rise by one minor version at a time`;
  const next = `oldSelf.split('.')[0] + '.' + string(int(oldSelf.split('.')[1]) + 1)`;
  return [
    {
      rule: `${minorOf('self')} >= ${minorOf('oldSelf')}`,
      message: down,
      messageExpression: `'${down} (from ' + oldSelf + ' to ' + self + '): downgrades are not supported'`,
    },
    {
      rule: `${minorOf('self')} <= ${minorOf('oldSelf')} + 1`,
      message: skip,
      messageExpression: `'${skip} (from ' + oldSelf + ' to ' + self + '): upgrade to ' + ${next} + ' first'`,
    },
  ];
}
