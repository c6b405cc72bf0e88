/** Metadata rules: names, generateName, timestamps, generation (internal). */
import { randomUUID } from 'node:crypto';
import type { ResourceType } from './resource-type.js';
import { clone, deepEqual, type KubeObject, type StatusCause } from './types.js';

/** RFC 3339 with second precision, as the API prints timestamps. */
export const now = (): string => new Date().toISOString().replace(/\.\d{3}Z$/, 'Z');
export const newUid = (): string => randomUUID();

const ALPHABET = 'bcdfghjklmnpqrstvwxz2456789';
/** `generateName` + 5 random characters, like the real name generator. */
export function generateName(prefix: string): string {
  let suffix = '';
  for (let i = 0; i < 5; i++) suffix += ALPHABET[Math.floor(Math.random() * ALPHABET.length)];
  return `${prefix.slice(0, 58)}${suffix}`;
}

const SUBDOMAIN = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;
const LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;
const DNS1035 = /^[a-z]([-a-z0-9]*[a-z0-9])?$/;

const SUBDOMAIN_MSG =
  "a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character (e.g. 'example.com', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*')";
const LABEL_MSG =
  "a lowercase RFC 1123 label must consist of lower case alphanumeric characters or '-', and must start and end with an alphanumeric character (e.g. 'my-name',  or '123-abc', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?')";
const DNS1035_MSG =
  "a DNS-1035 label must consist of lower case alphanumeric characters or '-', start with an alphabetic character, and end with an alphanumeric character (e.g. 'my-name',  or 'abc-123', regex used for validation is '[a-z]([-a-z0-9]*[a-z0-9])?')";

/** Validation errors of `metadata.name` for a resource (empty when valid). */
export function nameErrors(rt: ResourceType, name: string | undefined): StatusCause[] {
  if (!name) return [{ reason: 'FieldValueRequired', message: 'Required value: name or generateName is required', field: 'metadata.name' }];
  const bad = (msg: string): StatusCause[] => [{ reason: 'FieldValueInvalid', message: `Invalid value: ${JSON.stringify(name)}: ${msg}`, field: 'metadata.name' }];
  if (rt.group === 'rbac.authorization.k8s.io') {
    return name === '.' || name === '..' || /[/%]/.test(name) ? bad(`may not contain '/' or '%'`) : [];
  }
  if (rt.key === '/namespaces') return name.length > 63 ? bad('must be no more than 63 characters') : LABEL.test(name) ? [] : bad(LABEL_MSG);
  if (rt.key === '/services') return name.length > 63 ? bad('must be no more than 63 characters') : DNS1035.test(name) ? [] : bad(DNS1035_MSG);
  if (name.length > 253) return bad('must be no more than 253 characters');
  return SUBDOMAIN.test(name) ? [] : bad(SUBDOMAIN_MSG);
}

/** The part of an object `metadata.generation` tracks. */
function specPart(obj: KubeObject, withStatus: boolean): Record<string, unknown> {
  const { metadata: _m, status, apiVersion: _a, kind: _k, ...rest } = obj;
  return withStatus ? { ...rest, status } : rest;
}

/** Whether an update changes what `metadata.generation` counts. */
export function specChanged(rt: ResourceType, old: KubeObject, next: KubeObject, statusSubresource: boolean): boolean {
  return rt.generation && !deepEqual(specPart(old, !statusSubresource), specPart(next, !statusSubresource));
}

/** Fields a client may not change through update. */
export function keepImmutableMeta(old: KubeObject, next: KubeObject): void {
  const m = next.metadata;
  const o = old.metadata;
  for (const k of ['uid', 'creationTimestamp', 'deletionTimestamp', 'deletionGracePeriodSeconds', 'generation', 'namespace', 'name'] as const) {
    if (o[k] === undefined) delete m[k];
    else (m as Record<string, unknown>)[k] = o[k];
  }
}

/** Finalizers the update adds while the object is being deleted (kube forbids that). */
export function newFinalizersWhileDeleting(old: KubeObject, next: KubeObject): StatusCause[] {
  if (old.metadata.deletionTimestamp === undefined) return [];
  const before = new Set(old.metadata.finalizers ?? []);
  const extra = [...new Set(next.metadata.finalizers ?? [])].filter((f) => !before.has(f)).sort();
  if (extra.length === 0) return [];
  const list = `[]string{${extra.map((f) => JSON.stringify(f)).join(', ')}}`;
  return [{ reason: 'FieldValueForbidden', message: `Forbidden: no new finalizers can be added if the object is being deleted, found new finalizers ${list}`, field: 'metadata.finalizers' }];
}

/** A copy of an object that may be edited (one deep copy: its metadata is a copy too). */
export function editable<T extends KubeObject>(obj: T): T {
  return clone(obj);
}
