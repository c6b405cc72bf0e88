/**
 * The CRD reference (`docs/crds.md`), rendered from the CRD objects themselves: for each kind
 * its names, scope and printer columns, then one table row per schema node with its type,
 * whether it is required, its default, its validation and its description.
 *
 * Pure: the same CRDs give the same text (no dates). `scripts/crd-docs.ts` writes the file;
 * `crd-reference.test.ts` fails when it is stale or when a field has no description.
 */
import { provider as aws } from '@kubeception/driver-aws';
import { provider as kvm } from '@kubeception/driver-kvm';
import { kubeceptionCrds, type CustomResourceDefinition, type JSONSchemaProps } from '@kubeception/sdk';

/** The providers documented: those `npx kubeception crds` includes when both drivers are installed, in its order. */
export const REFERENCE_PROVIDERS = [kvm, aws] as const;

/** Where the reference lives in the repository. */
export const CRD_REFERENCE_FILE = new URL('../../../docs/crds.md', import.meta.url);

/** The CRDs the reference documents: what `npx kubeception crds` prints with the kvm and aws drivers installed. */
export function referenceCrds(): CustomResourceDefinition[] {
  return kubeceptionCrds({ providers: REFERENCE_PROVIDERS });
}

/** The reference as it must read now. */
export function crdReference(): string {
  return renderCrdReference(referenceCrds(), { providers: REFERENCE_PROVIDERS.map((p) => p.name) });
}

/** One schema node of a CRD, flattened. */
export interface FieldRow {
  /** `spec.workers[].labels{}`: `[]` is an element of a list, `{}` a value of a map. */
  readonly path: string;
  readonly schema: JSONSchemaProps;
  /** Listed in its parent's `required`. */
  readonly required: boolean;
}

/** Every schema node below the root of a CRD's `openAPIV3Schema`, parents before children, in schema order. */
export function crdFields(crd: CustomResourceDefinition): FieldRow[] {
  const root = crd.spec.versions[0]?.schema.openAPIV3Schema;
  return root === undefined ? [] : children(root, '');
}

function children(node: JSONSchemaProps, path: string): FieldRow[] {
  const rows: FieldRow[] = [];
  const add = (childPath: string, schema: JSONSchemaProps, required: boolean) =>
    rows.push({ path: childPath, schema, required }, ...children(schema, childPath));
  for (const [name, schema] of Object.entries(node.properties ?? {}))
    add(path === '' ? name : `${path}.${name}`, schema, node.required?.includes(name) ?? false);
  if (node.items !== undefined) add(`${path}[]`, node.items, false);
  if (typeof node.additionalProperties === 'object') add(`${path}{}`, node.additionalProperties, false);
  return rows;
}

/**
 * `Kind: path` of every field without a description, over all `crds`; but the root `metadata`,
 * which kube-apiserver describes itself (it refuses a CRD that says more than its type there).
 */
export function undocumentedFields(crds: readonly CustomResourceDefinition[]): string[] {
  return crds.flatMap((crd) =>
    crdFields(crd)
      .filter((row) => row.path !== 'metadata' && !row.schema.description?.trim())
      .map((row) => `${crd.spec.names.kind}: ${row.path}`),
  );
}

/** Options of {@link renderCrdReference}. */
export interface RenderOptions {
  /** Names of the providers whose sub-specs the Cluster CRD holds, for the introduction. */
  readonly providers: readonly string[];
}

/** The Markdown reference of `crds`. */
export function renderCrdReference(crds: readonly CustomResourceDefinition[], options: RenderOptions): string {
  const providers = options.providers.length ? options.providers.map(code).join(' and ') : 'no';
  const lines = [
    '# CRD reference',
    '',
    '<!-- Generated from the schemas by `npm run docs:crds` (scripts/crd-docs.ts). Edit the schemas, not this file. -->',
    '',
    `The Kubeception custom resources, as \`npx kubeception crds\` prints them with the ${providers} providers installed.`,
    'Every field is listed with its path: `a.b` is field `b` of object `a`, `[]` an element of a list, `{}` a value of a map.',
    'A required field must be set whenever its parent is. Defaults are applied by the API server (and by the SDK validators).',
    '',
    ...crds.map((crd) => `- [${crd.spec.names.kind}](#${crd.spec.names.kind.toLowerCase()})`),
    '',
    ...crds.flatMap(renderKind),
  ];
  return `${lines.join('\n').trimEnd()}\n`;
}

function renderKind(crd: CustomResourceDefinition): string[] {
  const { names, group, scope } = crd.spec;
  const [version] = crd.spec.versions;
  const root = version?.schema.openAPIV3Schema;
  return [
    `## ${names.kind}`,
    '',
    ...(root?.description ? [text(root.description), ''] : []),
    '| | |',
    '|---|---|',
    `| API version | ${code(`${group}/${version?.name ?? ''}`)} |`,
    `| Kind | ${code(names.kind)} (list: ${code(names.listKind)}) |`,
    `| Resource | ${code(names.plural)} (singular ${code(names.singular)}); CRD ${code(crd.metadata.name)} |`,
    `| Short names | ${(names.shortNames ?? []).map(code).join(', ') || 'none'} |`,
    `| Categories | ${(names.categories ?? []).map(code).join(', ') || 'none'} |`,
    `| Scope | ${scope} |`,
    `| Subresources | ${Object.keys(version?.subresources ?? {}).join(', ') || 'none'} |`,
    '',
    ...renderColumns(version?.additionalPrinterColumns ?? []),
    ...renderObjectRules(root),
    '### Fields',
    '',
    '| Field | Type | Required | Default | Validation | Description |',
    '|---|---|---|---|---|---|',
    ...crdFields(crd).map(renderRow),
    '',
  ];
}

type Column = NonNullable<CustomResourceDefinition['spec']['versions'][number]['additionalPrinterColumns']>[number];

function renderColumns(columns: readonly Column[]): string[] {
  if (columns.length === 0) return [];
  return [
    '### Printer columns',
    '',
    '`kubectl get` shows these columns.',
    '',
    '| Column | Type | JSONPath | Description |',
    '|---|---|---|---|',
    ...columns.map(
      (c) =>
        `| ${text(c.name)} | ${c.type} | ${code(c.jsonPath)} | ${text(c.description ?? '')}${c.priority ? ` (priority ${c.priority}: \`-o wide\`)` : ''} |`,
    ),
    '',
  ];
}

function renderObjectRules(root: JSONSchemaProps | undefined): string[] {
  const rules = root?.['x-kubernetes-validations'] ?? [];
  if (rules.length === 0) return [];
  return ['### Rules on the whole object', '', ...rules.map((r) => `- ${celRule(r)}`), ''];
}

function renderRow({ path, schema, required }: FieldRow): string {
  const cells = [
    code(path),
    typeOf(schema),
    required ? 'yes' : '',
    schema.default === undefined ? '' : code(JSON.stringify(schema.default)),
    validationOf(schema).join('<br>'),
    text(schema.description ?? ''),
  ];
  return `| ${cells.join(' | ')} |`;
}

/** `string`, `integer`, `[]object`, `map[string]string`: the spellings of `kubectl explain`. */
function typeOf(schema: JSONSchemaProps): string {
  if (schema.type === 'array') return `[]${schema.items === undefined ? 'any' : typeOf(schema.items)}`;
  if (schema.type === 'object' && typeof schema.additionalProperties === 'object') return `map[string]${typeOf(schema.additionalProperties)}`;
  if (schema['x-kubernetes-int-or-string']) return 'int-or-string';
  if (schema.type === 'object' && schema.properties === undefined && schema['x-kubernetes-preserve-unknown-fields']) return 'object (any fields)';
  return schema.type ?? 'any';
}

function validationOf(s: JSONSchemaProps): string[] {
  const bound = (label: string, value: number | undefined) => (value === undefined ? [] : [`${label}: ${value}`]);
  return [
    ...(s.enum ? [`one of: ${s.enum.map((v) => code(typeof v === 'string' ? v : JSON.stringify(v))).join(', ')}`] : []),
    ...(s.format ? [`format: ${s.format}`] : []),
    ...(s.pattern ? [`pattern: ${code(s.pattern)}`] : []),
    ...bound(s.exclusiveMinimum ? 'exclusive minimum' : 'minimum', s.minimum),
    ...bound(s.exclusiveMaximum ? 'exclusive maximum' : 'maximum', s.maximum),
    ...bound('minLength', s.minLength),
    ...bound('maxLength', s.maxLength),
    ...bound('minItems', s.minItems),
    ...bound('maxItems', s.maxItems),
    ...bound('minProperties', s.minProperties),
    ...bound('maxProperties', s.maxProperties),
    ...listType(s),
    ...(s['x-kubernetes-map-type'] ? [`map type: ${s['x-kubernetes-map-type']}`] : []),
    ...(s.nullable ? ['nullable'] : []),
    ...(s['x-kubernetes-preserve-unknown-fields'] && s.properties !== undefined ? ['keeps unknown fields'] : []),
    ...(s['x-kubernetes-validations'] ?? []).map(celRule),
  ];
}

function listType(s: JSONSchemaProps): string[] {
  const type = s['x-kubernetes-list-type'];
  if (type === undefined) return [];
  if (type !== 'map') return [`list type: ${type}`];
  return [`list type: map, keyed by ${(s['x-kubernetes-list-map-keys'] ?? []).map(code).join(', ')}`];
}

function celRule(r: { rule: string; message?: string; messageExpression?: string }): string {
  const message = r.message ?? (r.messageExpression === undefined ? undefined : `message expression ${code(r.messageExpression)}`);
  return `CEL ${code(r.rule)}${message === undefined ? '' : ` (${text(message)})`}`;
}

/** An inline code span that survives a table cell: pipes escaped, fence longer than any backtick run inside. */
function code(value: string): string {
  const escaped = value.replace(/\|/g, '\\|').replace(/\r?\n/g, ' ');
  const longest = Math.max(0, ...[...escaped.matchAll(/`+/g)].map((m) => m[0].length));
  const fence = '`'.repeat(longest + 1);
  const pad = escaped.startsWith('`') || escaped.endsWith('`') ? ' ' : '';
  return `${fence}${pad}${escaped}${pad}${fence}`;
}

/** Plain text in a table cell: Markdown and HTML characters escaped, on one line. */
function text(value: string): string {
  return value
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/([\\`*_[\]|])/g, '\\$1')
    .replace(/\r?\n/g, ' ');
}
