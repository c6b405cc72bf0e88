/** CustomResourceDefinitions: validation, status and the resource type they serve (internal). */
import { ruleErrors } from './cel-rules.js';
import { now } from './object-meta.js';
import { resourceType, type CrdVersion, type PrinterColumn, type ResourceType, type ScalePaths } from './resource-type.js';
import { compareKubeVersions } from './registry.js';
import { isObject, type JsonObject, type KubeObject, type StatusCause } from './types.js';

/** The finalizer kube puts on CRDs so their objects are deleted first. */
export const CRD_CLEANUP_FINALIZER = 'customresourcecleanup.apiextensions.k8s.io';

const str = (v: unknown): string => (typeof v === 'string' ? v : '');

function versionsOf(spec: JsonObject): JsonObject[] {
  return Array.isArray(spec.versions) ? spec.versions.filter(isObject) : [];
}

/** Validation errors of a CRD (a useful subset of the real server's, including its CEL rules'). */
export function crdErrors(crd: KubeObject): StatusCause[] {
  const spec = isObject(crd.spec) ? crd.spec : {};
  const names = isObject(spec.names) ? spec.names : {};
  const errs: StatusCause[] = [];
  const required = (field: string) => errs.push({ reason: 'FieldValueRequired', message: 'Required value', field });
  if (!str(spec.group)) required('spec.group');
  if (!str(names.plural)) required('spec.names.plural');
  if (!str(names.kind)) required('spec.names.kind');
  if (spec.scope !== 'Namespaced' && spec.scope !== 'Cluster') {
    errs.push({
      reason: 'FieldValueNotSupported',
      message: `Unsupported value: ${JSON.stringify(str(spec.scope))}: supported values: "Cluster", "Namespaced"`,
      field: 'spec.scope',
    });
  }
  const expected = `${str(names.plural)}.${str(spec.group)}`;
  if (crd.metadata.name !== expected) {
    errs.push({
      reason: 'FieldValueInvalid',
      message: `Invalid value: ${JSON.stringify(crd.metadata.name ?? '')}: must be spec.names.plural+"."+spec.group`,
      field: 'metadata.name',
    });
  }
  const versions = versionsOf(spec);
  if (versions.length === 0)
    errs.push({
      reason: 'FieldValueInvalid',
      message: 'Invalid value: "null": must have exactly one version marked as storage version',
      field: 'spec.versions',
    });
  else if (versions.filter((v) => v.storage === true).length !== 1) {
    errs.push({
      reason: 'FieldValueInvalid',
      message: `Invalid value: ${JSON.stringify(versions)}: must have exactly one version marked as storage version`,
      field: 'spec.versions',
    });
  }
  versions.forEach((v, i) => errs.push(...scaleErrors(v, `spec.versions[${i}].subresources.scale`)));
  versions.forEach((v, i) => {
    const schema = isObject(v.schema) && isObject(v.schema.openAPIV3Schema) ? v.schema.openAPIV3Schema : undefined;
    if (schema)
      errs.push(
        ...ruleErrors(schema, `spec.versions[${i}].schema.openAPIV3Schema`),
        ...rootMetadataErrors(schema, `spec.versions[${i}].schema.openAPIV3Schema`),
      );
  });
  return errs;
}

/**
 * The root `metadata` schema may only say it is an object (and its `default`), and name `name`
 * and `generateName`: kube-apiserver checks the rest itself and refuses a CRD that specifies more
 * (its structural-schema metadata invariants), e.g. a `description`.
 */
function rootMetadataErrors(schema: JsonObject, at: string): StatusCause[] {
  const metadata = isObject(schema.properties) ? schema.properties.metadata : undefined;
  if (!isObject(metadata)) return [];
  const properties = isObject(metadata.properties) ? Object.keys(metadata.properties) : [];
  const extra = Object.keys(metadata).filter((k) => k !== 'type' && k !== 'default' && k !== 'properties');
  if (extra.length === 0 && properties.every((p) => p === 'name' || p === 'generateName')) return [];
  return [
    {
      reason: 'FieldValueForbidden',
      message: 'Forbidden: must not specify anything other than name and generateName, but metadata is implicitly specified',
      field: `${at}.properties[metadata]`,
    },
  ];
}

const PATH_RE = /^(\.[A-Za-z0-9_-]+)+$/;

/** Validation errors of a version's `subresources.scale` (paths must be simple JSON paths). */
function scaleErrors(version: JsonObject, at: string): StatusCause[] {
  const scale = isObject(version.subresources) ? version.subresources.scale : undefined;
  if (!isObject(scale)) return [];
  const errs: StatusCause[] = [];
  const check = (field: string, under: readonly string[], what: string, required: boolean) => {
    const v = str(scale[field]);
    if (v === '') {
      if (required) errs.push({ reason: 'FieldValueRequired', message: 'Required value', field: `${at}.${field}` });
    } else if (!PATH_RE.test(v) || !under.some((u) => v.startsWith(`${u}.`))) {
      errs.push({ reason: 'FieldValueInvalid', message: `Invalid value: ${JSON.stringify(v)}: should be a json path under ${what}`, field: `${at}.${field}` });
    }
  };
  check('specReplicasPath', ['.spec'], '.spec', true);
  check('statusReplicasPath', ['.status'], '.status', true);
  check('labelSelectorPath', ['.spec', '.status'], 'either .spec or .status', false);
  return errs;
}

/** A version's `subresources.scale`, if it declares one. */
function scaleOfVersion(version: JsonObject): ScalePaths | undefined {
  const scale = isObject(version.subresources) ? version.subresources.scale : undefined;
  if (!isObject(scale)) return undefined;
  return { specReplicasPath: str(scale.specReplicasPath), statusReplicasPath: str(scale.statusReplicasPath), labelSelectorPath: str(scale.labelSelectorPath) };
}

/** The status the CRD controllers would write: names accepted, established. */
export function crdStatus(crd: KubeObject, existing: unknown): JsonObject {
  const spec = isObject(crd.spec) ? crd.spec : {};
  const names = isObject(spec.names) ? spec.names : {};
  const kind = str(names.kind);
  const acceptedNames = { ...names, singular: str(names.singular) || kind.toLowerCase(), listKind: str(names.listKind) || `${kind}List` };
  const prev = isObject(existing) && Array.isArray(existing.conditions) ? existing.conditions.filter(isObject) : [];
  const since = (type: string) => str(prev.find((c) => c.type === type)?.lastTransitionTime) || now();
  const storage = versionsOf(spec).find((v) => v.storage === true);
  const stored = isObject(existing) && Array.isArray(existing.storedVersions) ? (existing.storedVersions as string[]) : [];
  const conditions: JsonObject[] = [
    { type: 'NamesAccepted', status: 'True', lastTransitionTime: since('NamesAccepted'), reason: 'NoConflicts', message: 'no conflicts found' },
    {
      type: 'Established',
      status: 'True',
      lastTransitionTime: since('Established'),
      reason: 'InitialNamesAccepted',
      message: 'the initial names have been accepted',
    },
  ];
  if (crd.metadata.deletionTimestamp !== undefined) {
    conditions.push({
      type: 'Terminating',
      status: 'True',
      lastTransitionTime: since('Terminating'),
      reason: 'InstanceDeletionInProgress',
      message: 'CustomResource deletion is in progress',
    });
  }
  const storedVersions = [...new Set([...stored, str(storage?.name)])].filter((v) => v !== '');
  return { conditions, acceptedNames, storedVersions };
}

function columnsOf(v: JsonObject): PrinterColumn[] {
  const cols = Array.isArray(v.additionalPrinterColumns) ? v.additionalPrinterColumns.filter(isObject) : [];
  return cols.map((c) => ({
    name: str(c.name),
    type: str(c.type),
    jsonPath: str(c.jsonPath),
    format: str(c.format),
    // apiextensions' table convertor describes a column without a description by its path
    description: str(c.description) || `Custom resource definition column (in JSONPath format): ${str(c.jsonPath)}`,
    priority: typeof c.priority === 'number' ? c.priority : 0,
  }));
}

/** The resource a CRD serves (undefined when it serves no version). */
export function crdResourceType(crd: KubeObject): ResourceType | undefined {
  const spec = isObject(crd.spec) ? crd.spec : {};
  const names = isObject(spec.names) ? spec.names : {};
  const served = versionsOf(spec).filter((v) => v.served !== false);
  const storage = versionsOf(spec).find((v) => v.storage === true);
  if (served.length === 0 || !storage) return undefined;
  const versions = new Map<string, CrdVersion>();
  for (const v of served) {
    const schema = isObject(v.schema) && isObject(v.schema.openAPIV3Schema) ? v.schema.openAPIV3Schema : undefined;
    const scale = scaleOfVersion(v);
    versions.set(str(v.name), {
      schema,
      printerColumns: columnsOf(v),
      status: isObject(v.subresources) && isObject(v.subresources.status),
      ...(scale ? { scale } : {}),
    });
  }
  const kind = str(names.kind);
  return resourceType({
    group: str(spec.group),
    version: str(storage.name),
    versions: [...versions.keys()].sort(compareKubeVersions),
    plural: str(names.plural),
    singular: str(names.singular) || kind.toLowerCase(),
    kind,
    namespaced: spec.scope !== 'Cluster',
    shortNames: Array.isArray(names.shortNames) ? (names.shortNames as string[]) : [],
    categories: Array.isArray(names.categories) ? (names.categories as string[]) : [],
    status: versions.get(str(storage.name))?.status ?? false,
    generation: true,
    crd: { name: crd.metadata.name ?? '', versions, terminating: crd.metadata.deletionTimestamp !== undefined },
  });
}
