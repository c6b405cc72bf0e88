/**
 * The VM Deployments in the driver's cache without their spec (internal). A VM Deployment is
 * most of what the driver would keep of a cluster's host objects (its pod template: the launcher's
 * environment, volumes, affinity, with the server's defaults), and the driver reads of it only
 * its metadata, its status and its template's annotations; the spec it needs only to know whether
 * the server holds what the driver renders (`contains`).
 *
 * So the cache keeps `apiVersion`, `kind`, `metadata`, `status` and the template's metadata
 * ({@link ELIDED_SPEC}), and the driver remembers which spec it has checked ({@link SpecMemo}):
 * "at generation G, Deployment uid U contains the rendering whose spec digests to D". It learns
 * that from the server's answer to its own apply, and from a read (GET) of the whole object. The
 * server bumps `metadata.generation` on every change of a spec, whoever makes it, so:
 *
 * - a Deployment at the generation remembered is compared through the digest of the spec rendered
 *   now: the same digest, nothing to write; another (the driver renders something else), written;
 * - a Deployment at another generation (a manual edit, another writer) or not remembered (a
 *   restarted operator) is read whole, once, and compared field by field as before; the answer is
 *   remembered. A restarted operator reads each VM Deployment once and writes nothing.
 */
import type { KubeObject, Persisted } from '@kubeception/sdk';
import { boundedMap, digestOf, type CacheTransform } from '@kubeception/sdk/runtime';
import { contains } from './contains.js';

/** The kinds cached without their spec. */
export const SPEC_ELIDED_KINDS: ReadonlySet<string> = new Set(['Deployment']);

/** The field a Deployment checked at its generation carries in the world instead of its spec: the digest of the spec it contains. */
export const SPEC_DIGEST = 'kubeceptionSpecDigest';

/** A Deployment as a pass sees it: whole (read), or elided with the digest of the spec it was checked against. */
type Elided = Persisted<KubeObject> & { readonly spec?: { readonly template?: { readonly metadata?: unknown } }; readonly [SPEC_DIGEST]?: string };

/** Keeps `apiVersion`, `kind`, `metadata`, `status` and `spec.template.metadata` (the Kubernetes version a VM boots is an annotation there). */
export const ELIDED_SPEC: CacheTransform = {
  name: 'kvm-elided-spec',
  apply: <T extends KubeObject>(object: Persisted<T>): Persisted<T> => {
    const { apiVersion, kind, metadata, status, spec } = object as unknown as Persisted<KubeObject> & {
      status?: unknown;
      spec?: { template?: { metadata?: unknown } };
    };
    const template = spec?.template?.metadata;
    return {
      apiVersion,
      kind,
      metadata,
      ...(status === undefined ? {} : { status }),
      ...(template === undefined ? {} : { spec: { template: { metadata: template } } }),
    } as unknown as Persisted<T>;
  },
};

const specDigests = new WeakMap<object, string>();

/** The digest of a rendered object's spec (kept while the object lives: do not mutate it). */
export function specDigest(desired: KubeObject): string {
  const known = specDigests.get(desired);
  if (known !== undefined) return known;
  const digest = digestOf(JSON.stringify((desired as { spec?: unknown }).spec ?? null));
  specDigests.set(desired, digest);
  return digest;
}

/** What a rendered object is compared with a world object as: elided like it when that one is elided (its spec as a digest). */
export function elidedForm(desired: KubeObject, observed: KubeObject | undefined): KubeObject {
  if (observed === undefined || (observed as Elided)[SPEC_DIGEST] === undefined) return desired;
  return { apiVersion: desired.apiVersion, kind: desired.kind, metadata: desired.metadata, [SPEC_DIGEST]: specDigest(desired) } as KubeObject;
}

/** The Deployments the driver has checked, by uid: at which generation, against the digest of which rendered spec. */
export interface SpecMemo {
  /** A cached (elided) object as a pass compares it, or `undefined` when it must be read whole first. */
  view(cached: Persisted<KubeObject>): Persisted<KubeObject> | undefined;
  /** Remembers `observed` (whole: the answer to an apply, or a read) when it contains `desired`. */
  remember(observed: Persisted<KubeObject>, desired: KubeObject): void;
}

/** How many Deployments are remembered; the oldest goes first (a restarted operator reads it again). */
const REMEMBERED = 16_384;

export function createSpecMemo(): SpecMemo {
  const checked = boundedMap<string, { readonly generation: number; readonly digest: string }>(REMEMBERED);
  return {
    view: (cached) => {
      const known = checked.get(cached.metadata.uid);
      if (known === undefined || known.generation !== cached.metadata.generation) return undefined;
      return { ...cached, [SPEC_DIGEST]: known.digest } as Persisted<KubeObject>;
    },
    remember: (observed, desired) => {
      const generation = observed.metadata.generation;
      if (generation === undefined || !contains(observed, desired)) return;
      checked.set(observed.metadata.uid, { generation, digest: specDigest(desired) });
    },
  };
}
