/** Metadata bookkeeping: uids, generated names, timestamps, generation (internal); validation is in `object-meta-validation.ts`. */
import { randomUUID } from 'node:crypto';
import type { ResourceType } from './resource-type.js';
import { clone, deepEqual, type KubeObject } from './types.js';

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

/** A copy of an object that may be edited (one deep copy: its metadata is a copy too). */
export function editable<T extends KubeObject>(obj: T): T {
  return clone(obj);
}

/** The fields of `metav1.ObjectMeta` that name the object or that the server sets (server-side apply owns none of them). */
export const SERVER_META_FIELDS = [
  'name',
  'generateName',
  'namespace',
  'selfLink',
  'uid',
  'resourceVersion',
  'generation',
  'creationTimestamp',
  'deletionTimestamp',
  'deletionGracePeriodSeconds',
  'managedFields',
] as const;

/** The fields of `metav1.ObjectMeta`: decoding drops any other from `metadata`. */
const OBJECT_META_FIELDS = new Set<string>([...SERVER_META_FIELDS, 'labels', 'annotations', 'ownerReferences', 'finalizers']);

/** Drops what `metav1.ObjectMeta` has no field for, as decoding a body into it does (built-in kinds and custom resources alike). */
export function pruneObjectMeta(meta: object): void {
  for (const key of Object.keys(meta)) if (!OBJECT_META_FIELDS.has(key)) delete (meta as Record<string, unknown>)[key];
}
