/**
 * OpenAPI v2 definitions of the built-in kinds (internal), derived from @kubernetes/client-node's
 * generated models, which are generated from Kubernetes' own OpenAPI: each model's attribute type
 * map (JSON name, TypeScript type, format) becomes a schema, each referenced model a definition of
 * its own, named as kube-apiserver names it (`io.k8s.api.core.v1.ConfigMap`). A model's package is
 * its kind's group; what the kinds of several groups share is assigned first (core kinds are
 * walked first, `PodTemplateSpec` is core/v1, ObjectMeta and its neighbours meta/v1), and
 * client-node's group-prefixed names (`CoreV1EndpointPort`) name their group.
 *
 * Descriptions and `required` lists, which the type map lacks, come from the models' declarations
 * (./openapi-descriptions.ts, with what they lose). The named scalars (`Time`, `MicroTime`,
 * `IntOrString`, `Quantity`, `FieldsV1`, apiextensions' `JSON`) are definitions of their own, as
 * upstream, without descriptions; Quantity fields (typed as strings by client-node) and the
 * strategic-merge extensions come from ./openapi-list-extensions.ts.
 */
import * as clientNode from '@kubernetes/client-node';
import { modelDocs } from './openapi-descriptions.js';
import { LIST_EXTENSIONS, QUANTITY_FIELDS } from './openapi-list-extensions.js';
import type { ResourceType } from './resource-type.js';
import type { JsonObject } from './types.js';

/** One attribute of a client-node model. */
interface Attribute {
  /** The TypeScript name (`_continue`), as the declaration names the property. */
  readonly name: string;
  readonly baseName: string;
  readonly type: string;
  readonly format: string;
}

/** A kind whose definition is published, with its GVK extension: a served kind in one of its versions. */
export type PublishedKind = Pick<ResourceType, 'group' | 'version' | 'kind'>;

const META = 'io.k8s.apimachinery.pkg.apis.meta.v1';
const APIEXTENSIONS = 'io.k8s.apiextensions-apiserver.pkg.apis.apiextensions';
const META_MODELS = new Set([
  'ObjectMeta',
  'ListMeta',
  'LabelSelector',
  'LabelSelectorRequirement',
  'ManagedFieldsEntry',
  'OwnerReference',
  'Condition',
  'Status',
  'StatusDetails',
  'StatusCause',
  'DeleteOptions',
  'Preconditions',
]);
/** Core types that other groups' kinds reach before (or without) any core kind. */
const CORE_MODELS = new Set(['PodTemplateSpec']);
const GROUP_PREFIX =
  /^(Core|Events|Discovery|Rbac|Apiextensions|Admissionregistration|Authentication|Storage|Flowcontrol|Resource)(V\d+(?:alpha\d+|beta\d+)?)(\w+)$/;
const VERSIONED = /^(V\d+(?:alpha\d+|beta\d+)?)(\w+)$/;

/** The named scalars and untyped values, as kube-apiserver defines them in OpenAPI v2. */
export const SCALAR_DEFINITIONS: Readonly<Record<string, JsonObject>> = {
  [`${META}.Time`]: { type: 'string', format: 'date-time' },
  [`${META}.MicroTime`]: { type: 'string', format: 'date-time' },
  [`${META}.FieldsV1`]: { type: 'object' },
  'io.k8s.apimachinery.pkg.util.intstr.IntOrString': { type: 'string', format: 'int-or-string' },
  'io.k8s.apimachinery.pkg.api.resource.Quantity': { type: 'string' },
  [`${APIEXTENSIONS}.v1.JSON`]: {},
  [`${APIEXTENSIONS}.v1.JSONSchemaPropsOrBool`]: {},
  [`${APIEXTENSIONS}.v1.JSONSchemaPropsOrArray`]: {},
  [`${APIEXTENSIONS}.v1.JSONSchemaPropsOrStringArray`]: {},
  [`${APIEXTENSIONS}.v1.CustomResourceSubresourceStatus`]: { type: 'object' },
};
/** client-node `any` attributes and the definitions upstream gives them. */
const ANY_REFS: Readonly<Record<string, string>> = {
  'V1ManagedFieldsEntry.fieldsV1': `${META}.FieldsV1`,
  'V1JSONSchemaProps.default': `${APIEXTENSIONS}.v1.JSON`,
  'V1JSONSchemaProps.example': `${APIEXTENSIONS}.v1.JSON`,
  'V1JSONSchemaProps.enum': `${APIEXTENSIONS}.v1.JSON`,
  'V1JSONSchemaProps.additionalItems': `${APIEXTENSIONS}.v1.JSONSchemaPropsOrBool`,
  'V1JSONSchemaProps.additionalProperties': `${APIEXTENSIONS}.v1.JSONSchemaPropsOrBool`,
  'V1JSONSchemaProps.items': `${APIEXTENSIONS}.v1.JSONSchemaPropsOrArray`,
  'V1JSONSchemaProps.dependencies': `${APIEXTENSIONS}.v1.JSONSchemaPropsOrStringArray`,
  'V1CustomResourceSubresources.status': `${APIEXTENSIONS}.v1.CustomResourceSubresourceStatus`,
};

const models = clientNode as unknown as Record<string, { getAttributeTypeMap?: () => readonly Attribute[] } | undefined>;
const attributesOf = (model: string): readonly Attribute[] | undefined => models[model]?.getAttributeTypeMap?.();
const ref = (name: string): JsonObject => ({ $ref: `#/definitions/${name}` });
const described = (description: string | undefined): JsonObject => (description === undefined ? {} : { description });

/** The OpenAPI package of a group version: `io.k8s.api.apps.v1`. */
export function packageOf(group: string, version: string): string {
  if (group === '') return `io.k8s.api.core.${version}`;
  if (group === 'apiextensions.k8s.io') return `${APIEXTENSIONS}.${version}`;
  return `io.k8s.api.${group.split('.')[0] ?? group}.${version}`;
}

/** The client-node model of a kind: `CoreV1Event` where client-node prefixes the group, else `V1ConfigMap`. */
export function modelOf(group: string, version: string, kind: string): string | undefined {
  const label = group === '' ? 'core' : (group.split('.')[0] ?? group);
  const v = version.charAt(0).toUpperCase() + version.slice(1);
  const prefixed = `${label.charAt(0).toUpperCase()}${label.slice(1)}${v}${kind}`;
  if (attributesOf(prefixed)) return prefixed;
  return attributesOf(`${v}${kind}`) ? `${v}${kind}` : undefined;
}

/** Walks the models reachable from the kinds and names each one. */
class DefinitionBuilder {
  readonly definitions = new Map<string, JsonObject>();
  private readonly names = new Map<string, string>();

  /** Adds a model (and what it references) under the package of `group`, if it is not named yet. */
  add(model: string, group: string): string {
    const known = this.names.get(model);
    if (known !== undefined) return known;
    const name = definitionName(model, group);
    this.names.set(model, name);
    const attributes = attributesOf(model) ?? [];
    const owner = GROUP_PREFIX.exec(model);
    const childGroup = owner ? groupOfPrefix(owner[1] ?? '') : name.startsWith(META) ? '' : group;
    const docs = modelDocs(model);
    const properties: JsonObject = {};
    for (const a of attributes) properties[a.baseName] = this.property(model, a, childGroup, docs?.properties.get(a.name));
    const required = attributes.filter((a) => docs?.required.includes(a.name)).map((a) => a.baseName);
    this.definitions.set(name, {
      ...described(docs?.description),
      type: 'object',
      ...(required.length > 0 ? { required } : {}),
      ...(attributes.length > 0 ? { properties } : {}),
    });
    return name;
  }

  private property(model: string, a: Attribute, group: string, description: string | undefined): JsonObject {
    const field = `${model}.${a.baseName}`;
    const extensions = LIST_EXTENSIONS.get(field) ?? {};
    const anyRef = ANY_REFS[field];
    const scalar = QUANTITY_FIELDS.has(field) ? 'Quantity' : anyRef;
    return { ...described(description), ...this.schemaOf(a.type, a.format, group, scalar), ...extensions };
  }

  /** The schema of a client-node type; `special` replaces its innermost scalar (`Quantity`, an `any` definition). */
  private schemaOf(type: string, format: string, group: string, special: string | undefined): JsonObject {
    const array = /^Array<(.+)>$/.exec(type);
    if (array) return { type: 'array', items: this.schemaOf(array[1] ?? 'any', format, group, special) };
    const map = /^\{ \[key: string\]: (.+); \}$/.exec(type);
    if (map) return { type: 'object', additionalProperties: this.schemaOf(map[1] ?? 'any', format, group, special) };
    if (special === 'Quantity') return ref('io.k8s.apimachinery.pkg.api.resource.Quantity');
    if (special !== undefined) return ref(special);
    switch (type) {
      case 'string':
        return { type: 'string', ...(format ? { format } : {}) };
      case 'boolean':
        return { type: 'boolean' };
      case 'number':
        return format === 'int32' || format === 'int64' ? { type: 'integer', format } : { type: 'number', ...(format ? { format } : {}) };
      case 'Date':
        return ref(`${META}.${format === 'date-time-micro' ? 'MicroTime' : 'Time'}`);
      case 'V1MicroTime':
        return ref(`${META}.MicroTime`);
      case 'IntOrString':
        return ref('io.k8s.apimachinery.pkg.util.intstr.IntOrString');
      case 'any':
        return {};
      default:
        return ref(this.add(type, group));
    }
  }
}

function groupOfPrefix(prefix: string): string {
  const groups: Record<string, string> = { Core: '', Apiextensions: 'apiextensions.k8s.io', Rbac: 'rbac.authorization.k8s.io' };
  return groups[prefix] ?? `${prefix.toLowerCase()}.k8s.io`;
}

/** The definition name of a model reached from a kind of `group`. */
function definitionName(model: string, group: string): string {
  const prefixed = GROUP_PREFIX.exec(model);
  if (prefixed) return `${packageOf(groupOfPrefix(prefixed[1] ?? ''), (prefixed[2] ?? '').toLowerCase())}.${prefixed[3] ?? ''}`;
  const versioned = VERSIONED.exec(model);
  const version = (versioned?.[1] ?? 'v1').toLowerCase();
  const short = versioned?.[2] ?? model;
  if (META_MODELS.has(short)) return `${META}.${short}`;
  return `${packageOf(CORE_MODELS.has(short) ? '' : group, version)}.${short}`;
}

/**
 * The definitions of the kinds (core kinds first, as their shared types are core's), their lists
 * and everything they reference; each kind and list carries `x-kubernetes-group-version-kind`.
 */
export function builtinDefinitions(kinds: readonly PublishedKind[]): Map<string, JsonObject> {
  const builder = new DefinitionBuilder();
  const ordered = [...kinds.filter((k) => k.group === ''), ...kinds.filter((k) => k.group !== '')];
  for (const { group, version, kind } of ordered) {
    for (const k of [kind, `${kind}List`]) {
      const model = modelOf(group, version, k);
      if (model === undefined) continue;
      const name = builder.add(model, group);
      const definition = builder.definitions.get(name) ?? {};
      builder.definitions.set(name, { ...definition, 'x-kubernetes-group-version-kind': [{ group, kind: k, version }] });
    }
  }
  for (const [name, schema] of Object.entries(SCALAR_DEFINITIONS)) builder.definitions.set(name, schema);
  return builder.definitions;
}
