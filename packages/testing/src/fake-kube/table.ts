/** `as=Table` and `as=PartialObjectMetadata(List)` renderings (internal). */
import { jsonPath } from './jsonpath.js';
import type { PrinterColumn, ResourceType } from './resource-type.js';
import { isObject, type JsonObject, type KubeObject } from './types.js';

/** What the client asked for in `Accept`. */
export type Rendering = 'json' | 'table' | 'metadata';

/** Picks the rendering from an Accept header. */
export function renderingOf(accept: string | undefined): Rendering {
  for (const part of (accept ?? '').split(',')) {
    const params = new Map(
      part
        .split(';')
        .slice(1)
        .map((p) => p.trim().split('=') as [string, string]),
    );
    if (params.get('g') !== 'meta.k8s.io' || (params.get('v') !== 'v1' && params.get('v') !== 'v1beta1')) continue;
    const as = params.get('as');
    if (as === 'Table') return 'table';
    if (as === 'PartialObjectMetadata' || as === 'PartialObjectMetadataList') return 'metadata';
  }
  return 'json';
}

/** kube's `duration.HumanDuration`. */
export function humanDuration(ms: number): string {
  const seconds = Math.floor(ms / 1000);
  if (seconds < -1) return '<invalid>';
  if (seconds < 0) return '0s';
  if (seconds < 120) return `${seconds}s`;
  const minutes = Math.floor(seconds / 60);
  if (minutes < 10) return seconds % 60 === 0 ? `${minutes}m` : `${minutes}m${seconds % 60}s`;
  if (minutes < 180) return `${minutes}m`;
  const hours = Math.floor(minutes / 60);
  if (hours < 8) return minutes % 60 === 0 ? `${hours}h` : `${hours}h${minutes % 60}m`;
  if (hours < 48) return `${hours}h`;
  if (hours < 24 * 8) return hours % 24 === 0 ? `${Math.floor(hours / 24)}d` : `${Math.floor(hours / 24)}d${hours % 24}h`;
  if (hours < 24 * 365 * 2) return `${Math.floor(hours / 24)}d`;
  const days = Math.floor(hours / 24);
  if (hours < 24 * 365 * 8) return days % 365 === 0 ? `${Math.floor(days / 365)}y` : `${Math.floor(days / 365)}y${days % 365}d`;
  return `${Math.floor(days / 365)}y`;
}

const NAME_COLUMN = {
  name: 'Name',
  type: 'string',
  format: 'name',
  description:
    'Name must be unique within a namespace. Is required when creating resources, although some resources may allow a client to request the generation of an appropriate name automatically. Name is primarily intended for creation idempotence and configuration definition. Cannot be updated. More info: https://kubernetes.io/docs/concepts/overview/working-with-objects/names#names',
  priority: 0,
};
const CREATION_TIMESTAMP =
  'CreationTimestamp is a timestamp representing the server time when this object was created. It is not guaranteed to be set in happens-before order across separate operations. Clients may not set this value. It is represented in RFC3339 form and is in UTC.\n\nPopulated by the system. Read-only. Null for lists. More info: https://git.k8s.io/community/contributors/devel/sig-architecture/api-conventions.md#metadata';
/** A custom resource's default Age column. */
const AGE: PrinterColumn = { name: 'Age', type: 'date', jsonPath: '.metadata.creationTimestamp', description: CREATION_TIMESTAMP };

/** A column of a built-in kind's printer (pkg/printers/internalversion): a definition and how a row's cell is computed. */
interface BuiltinColumn extends PrinterColumn {
  readonly compute?: (obj: KubeObject) => unknown;
}

/** Built-in printers type every column, Age too, as `string`. */
const BUILTIN_AGE: BuiltinColumn = { ...AGE, type: 'string', compute: (obj) => cell(AGE, obj) };
const count = (...maps: unknown[]) => maps.reduce<number>((n, m) => n + (isObject(m) ? Object.keys(m).length : 0), 0);
const BUILTIN_COLUMNS: Record<string, readonly BuiltinColumn[]> = {
  '/namespaces': [{ name: 'Status', type: 'string', jsonPath: '.status.phase', description: 'The status of the namespace' }, BUILTIN_AGE],
  '/pods': [{ name: 'Status', type: 'string', jsonPath: '.status.phase', description: 'The phase of the pod' }, BUILTIN_AGE],
  '/configmaps': [
    {
      name: 'Data',
      type: 'string',
      jsonPath: '',
      description:
        "Data contains the configuration data. Each key must consist of alphanumeric characters, '-', '_' or '.'. Values with non-UTF-8 byte sequences must use the BinaryData field. The keys stored in Data must not overlap with the keys in the BinaryData field, this is enforced during validation process.",
      compute: (obj) => count(obj.data, obj.binaryData),
    },
    BUILTIN_AGE,
  ],
  '/secrets': [
    { name: 'Type', type: 'string', jsonPath: '.type', description: 'Used to facilitate programmatic handling of secret data.' },
    {
      name: 'Data',
      type: 'string',
      jsonPath: '',
      description:
        "Data contains the secret data. Each key must consist of alphanumeric characters, '-', '_' or '.'. The serialized form of the secret data is a base64 encoded string, representing the arbitrary (possibly non-string) data value here. Described in https://tools.ietf.org/html/rfc4648#section-4",
      compute: (obj) => count(obj.data),
    },
    BUILTIN_AGE,
  ],
};

function columnsOf(rt: ResourceType, version: string): readonly BuiltinColumn[] {
  if (rt.crd) {
    const cols = rt.crd.versions.get(version)?.printerColumns ?? [];
    return cols.length > 0 ? [...cols] : [AGE];
  }
  return BUILTIN_COLUMNS[rt.key] ?? [BUILTIN_AGE];
}

function cell(col: BuiltinColumn, obj: KubeObject): unknown {
  if (col.compute) return col.compute(obj);
  let value: unknown;
  try {
    value = jsonPath(col.jsonPath, obj)[0];
  } catch {
    return null;
  }
  if (value === undefined || value === null) return null;
  if (col.type === 'date' && typeof value === 'string') {
    const t = Date.parse(value);
    return Number.isNaN(t) ? value : humanDuration(Date.now() - t);
  }
  if (col.type === 'integer' || col.type === 'number' || col.type === 'boolean') return value;
  return isObject(value) || Array.isArray(value) ? JSON.stringify(value) : String(value);
}

/** `PartialObjectMetadata` of an object. */
export function partialMetadata(obj: KubeObject): JsonObject {
  return { kind: 'PartialObjectMetadata', apiVersion: 'meta.k8s.io/v1', metadata: obj.metadata };
}

/** A `meta.k8s.io/v1` Table of objects. */
export function toTable(rt: ResourceType, version: string, objects: readonly KubeObject[], listMeta: JsonObject, includeObject: string | null): JsonObject {
  const cols = columnsOf(rt, version);
  const columnDefinitions = [
    NAME_COLUMN,
    ...cols.map((c) => ({ name: c.name, type: c.type, format: c.format ?? '', description: c.description ?? '', priority: c.priority ?? 0 })),
  ];
  const rows = objects.map((obj) => {
    const row: JsonObject = { cells: [obj.metadata.name, ...cols.map((c) => cell(c, obj))] };
    // TableRow.object is a RawExtension: encoded as null when left out
    row.object = includeObject === 'None' ? null : includeObject === 'Object' ? obj : partialMetadata(obj);
    return row;
  });
  return { kind: 'Table', apiVersion: 'meta.k8s.io/v1', metadata: listMeta, columnDefinitions, rows };
}

/** A Table of one `autoscaling/v1` Scale (`kubectl get --subresource=scale`): Name, Desired, Available. */
export function scaleTable(scale: JsonObject, includeObject: string | null): JsonObject {
  const meta = isObject(scale.metadata) ? scale.metadata : {};
  const spec = isObject(scale.spec) ? scale.spec : {};
  const status = isObject(scale.status) ? scale.status : {};
  const columnDefinitions = [
    NAME_COLUMN,
    { name: 'Desired', type: 'integer', format: '', description: 'replicas is the desired number of instances for the scaled object.', priority: 0 },
    { name: 'Available', type: 'integer', format: '', description: 'replicas is the actual number of observed instances of the scaled object.', priority: 0 },
  ];
  const row: JsonObject = { cells: [meta.name, spec.replicas ?? 0, status.replicas ?? 0] };
  row.object = includeObject === 'None' ? null : includeObject === 'Object' ? scale : partialMetadata(scale as KubeObject);
  return { kind: 'Table', apiVersion: 'meta.k8s.io/v1', metadata: { resourceVersion: meta.resourceVersion }, columnDefinitions, rows: [row] };
}
