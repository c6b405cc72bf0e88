/**
 * Named transforms of cached objects (`Selection.transform`), as controller-runtime's
 * per-kind cache `Transform`: an informer keeps less of each object than the server sends, so a
 * controller that manages many objects holds less memory. Two are built in:
 *
 * - {@link dataDigests}: a ConfigMap's or Secret's `data` and `binaryData` values kept as their
 *   SHA-256 digests. A controller that writes ConfigMaps or Secrets and only needs to know whether
 *   what is there is what it would write compares digests ({@link digestedData} of its desired
 *   object against the cached one): a manual edit of a value still shows, as a different digest.
 * - {@link keepFields}: only `apiVersion`, `kind`, `metadata` and the named top-level fields (e.g.
 *   `status` of Pods a controller only reads the phase and conditions of).
 *
 * A transformed cache holds nothing else: read no other field from its objects. The server still
 * sends whole objects; they are transformed as they arrive, managedFields dropped first.
 *
 * @example
 * ```ts
 * const selection = { labelSelector: 'app.kubernetes.io/managed-by=me', transform: dataDigests };
 * const cached = ctx.cache(ConfigMapResource, selection).get('ns/boot');
 * const current = cached !== undefined && contains(cached, digestedData(desired));
 * ```
 */
import { createHash } from 'node:crypto';
import type { KubeObject, Persisted } from '../resource.js';

/** A transform of cached objects, by name. */
export interface CacheTransform {
  /** Informers are shared by kind, selection and this name: one name, one function. */
  readonly name: string;
  /** The cached form of an object as it arrives (managedFields already dropped); returns a new object, never mutates its argument. */
  readonly apply: <T extends KubeObject>(object: Persisted<T>) => Persisted<T>;
}

/** How a digest starts: a cached value that starts otherwise was not digested. */
export const DIGEST_PREFIX = 'sha256:';

/** The digest of a string, as {@link dataDigests} keeps it: `sha256:` and the base64url SHA-256 of its UTF-8 bytes. */
export function digestOf(value: string): string {
  return DIGEST_PREFIX + createHash('sha256').update(value).digest('base64url');
}

/** A value as a {@link dataDigests} cache keeps it: its digest, or the value itself when it is one already (base64 never holds `:`). */
export const digestedValue = (value: string): string => (value.startsWith(DIGEST_PREFIX) ? value : digestOf(value));

/** Whether a ConfigMap's or Secret's `data` came from a {@link dataDigests} cache (its values are digests): to be read whole before it is used. */
export const hasDigests = (object: { readonly data?: Readonly<Record<string, string>> | undefined }): boolean =>
  Object.values(object.data ?? {}).some((value) => value.startsWith(DIGEST_PREFIX));

/** The fields of ConfigMaps and Secrets whose values are digested. */
const DIGESTED = ['data', 'binaryData'] as const;

function digestValues(values: unknown): unknown {
  if (values === null || typeof values !== 'object' || Array.isArray(values)) return values;
  return Object.fromEntries(
    Object.entries(values as Record<string, unknown>).map(([key, value]) => [key, typeof value === 'string' ? digestOf(value) : value]),
  );
}

function withDigests<T extends KubeObject>(object: T): T {
  const fields = object as Record<string, unknown>;
  if (DIGESTED.every((field) => fields[field] === undefined)) return object;
  const digested: Record<string, unknown> = { ...fields };
  for (const field of DIGESTED) if (fields[field] !== undefined) digested[field] = digestValues(fields[field]);
  return digested as T;
}

/** ConfigMaps and Secrets with the values of `data` and `binaryData` kept as digests ({@link digestOf}); every other field as sent. */
export const dataDigests: CacheTransform = { name: 'data-digests', apply: withDigests };

const digestedForms = new WeakMap<object, unknown>();

/**
 * What a {@link dataDigests} cache holds of `object` once the server stores it as written: its
 * `data` and `binaryData` values as digests, a Secret's `stringData` moved into `data` as base64
 * first (the server stores it there). For comparing a desired object with a cached one; each
 * object is digested once (the result is kept while the object lives, so do not mutate it).
 */
export function digestedData<T extends KubeObject>(object: T): T {
  const known = digestedForms.get(object);
  if (known !== undefined) return known as T;
  const { stringData, ...rest } = object as T & { stringData?: Record<string, string> };
  const merged =
    stringData === undefined
      ? object
      : ({
          ...rest,
          data: {
            ...(rest as { data?: Record<string, string> }).data,
            ...Object.fromEntries(Object.entries(stringData).map(([k, v]) => [k, Buffer.from(v, 'utf8').toString('base64')])),
          },
        } as unknown as T);
  const digested = withDigests(merged);
  digestedForms.set(object, digested);
  return digested;
}

/** Only `apiVersion`, `kind`, `metadata` and the top-level `fields` of each object (named `fields:<fields>`). */
export function keepFields(...fields: string[]): CacheTransform {
  const kept = new Set(['apiVersion', 'kind', 'metadata', ...fields]);
  return {
    name: `fields:${[...fields].sort().join(',')}`,
    apply: <T extends KubeObject>(object: Persisted<T>) =>
      Object.fromEntries(Object.entries(object).filter(([key]) => kept.has(key))) as unknown as Persisted<T>,
  };
}
