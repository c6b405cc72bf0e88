/** What the server knows about one resource (internal). */
import type { JsonObject } from './types.js';

/** A CRD printer column. */
export interface PrinterColumn {
  readonly name: string;
  readonly type: string;
  readonly jsonPath: string;
  readonly format?: string;
  readonly description?: string;
  readonly priority?: number;
}

/**
 * Where a resource keeps what its `scale` subresource shows: simple JSON paths like
 * `.spec.replicas` (the CRD's `subresources.scale`, or the built-in equivalent).
 */
export interface ScalePaths {
  /** Desired replicas, under `.spec`. */
  readonly specReplicasPath: string;
  /** Observed replicas, under `.status`. */
  readonly statusReplicasPath: string;
  /** The selector: a string (CRDs) or a `LabelSelector` (built-ins); `''` for none. */
  readonly labelSelectorPath: string;
}

/** One served version of a custom resource. */
export interface CrdVersion {
  readonly schema: JsonObject | undefined;
  readonly printerColumns: readonly PrinterColumn[];
  readonly status: boolean;
  /** The `scale` subresource of this version, if the CRD declares one. */
  readonly scale?: ScalePaths;
}

/** The custom-resource part of a resource type. */
export interface CrdInfo {
  readonly name: string;
  readonly versions: ReadonlyMap<string, CrdVersion>;
  readonly terminating: boolean;
}

/** A served resource: a group, its plural and its kind, in one or more versions. */
export interface ResourceType {
  readonly group: string;
  /** Storage version; objects are stored with this apiVersion. */
  readonly version: string;
  /** Served versions. */
  readonly versions: readonly string[];
  readonly plural: string;
  readonly singular: string;
  readonly kind: string;
  readonly listKind: string;
  readonly namespaced: boolean;
  readonly shortNames: readonly string[];
  readonly categories: readonly string[];
  /** Has a `/status` subresource (main endpoint ignores status, generation ignores status). */
  readonly statusSubresource: boolean;
  /** Sets and bumps `metadata.generation`. */
  readonly generation: boolean;
  /** The `scale` subresource of a built-in kind (custom resources: per version, in `crd`). */
  readonly scale?: ScalePaths;
  /** The verbs served, when a built-in kind does not serve all of {@link VERBS} (the self reviews: `create`). */
  readonly verbs?: readonly string[];
  /** Storage key, `<group>/<plural>`. */
  readonly key: string;
  readonly crd?: CrdInfo;
}

export const VERBS = ['create', 'delete', 'deletecollection', 'get', 'list', 'patch', 'update', 'watch'] as const;

/** `apps/v1` or `v1`. */
export const apiVersionOf = (group: string, version: string): string => (group === '' ? version : `${group}/${version}`);

/** Splits `apps/v1` into group and version. */
export function splitApiVersion(apiVersion: string): { group: string; version: string } {
  const i = apiVersion.indexOf('/');
  return i < 0 ? { group: '', version: apiVersion } : { group: apiVersion.slice(0, i), version: apiVersion.slice(i + 1) };
}

/** Builds a resource type from its essentials. */
export function resourceType(spec: {
  group: string;
  version: string;
  versions?: readonly string[];
  plural: string;
  kind: string;
  namespaced: boolean;
  singular?: string;
  shortNames?: readonly string[];
  categories?: readonly string[];
  status?: boolean;
  generation?: boolean;
  scale?: ScalePaths;
  verbs?: readonly string[];
  crd?: CrdInfo;
}): ResourceType {
  const rt: ResourceType = {
    group: spec.group,
    version: spec.version,
    versions: spec.versions ?? [spec.version],
    plural: spec.plural,
    singular: spec.singular ?? spec.kind.toLowerCase(),
    kind: spec.kind,
    listKind: `${spec.kind}List`,
    namespaced: spec.namespaced,
    shortNames: spec.shortNames ?? [],
    categories: spec.categories ?? [],
    statusSubresource: spec.status ?? false,
    generation: spec.generation ?? false,
    key: `${spec.group}/${spec.plural}`,
  };
  const withVerbs = spec.verbs ? { ...rt, verbs: spec.verbs } : rt;
  const withScale = spec.scale ? { ...withVerbs, scale: spec.scale } : withVerbs;
  return spec.crd ? { ...withScale, crd: spec.crd } : withScale;
}
