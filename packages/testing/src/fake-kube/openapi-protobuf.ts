/**
 * The OpenAPI v2 document as kube-apiserver serves it to `Accept:
 * application/com.github.proto-openapi.spec.v2@v1.0+protobuf` (internal): a gnostic
 * `openapi.v2.Document` (google/gnostic `openapiv2/OpenAPIv2.proto`), which client-go's
 * `OpenAPISchema()` proto-unmarshals (kubectl ≤ 1.28 needs it to `apply` and `explain`). One table
 * of the messages the fake's documents use drives both directions: {@link encodeOpenApiV2} and
 * {@link decodeOpenApiV2} (for tests). As in Go's proto3 encoder, zero scalars (`''`, `0`, `false`)
 * outside a oneof are not written; vendor extensions (`x-…`) are `NamedAny`s whose value is the
 * YAML text of the JSON value, as gnostic writes them. Not modelled: security definitions, `xml`,
 * `externalDocs`, file schemas, header/form-data parameter items, response headers and examples.
 */
import { parse, stringify } from 'yaml';
import { ProtoWriter, readFields, type WireField } from './protobuf-wire.js';
import { isObject, type JsonObject } from './types.js';

type Scalar = 'string' | 'bool' | 'double' | 'int64';
type MessageName =
  | 'Document'
  | 'Info'
  | 'Paths'
  | 'PathItem'
  | 'Operation'
  | 'ParametersItem'
  | 'JsonReference'
  | 'Parameter'
  | 'BodyParameter'
  | 'NonBodyParameter'
  | 'QueryParameterSubSchema'
  | 'PathParameterSubSchema'
  | 'HeaderParameterSubSchema'
  | 'Responses'
  | 'ResponseValue'
  | 'Response'
  | 'SchemaItem'
  | 'Definitions'
  | 'Properties'
  | 'Schema'
  | 'AdditionalPropertiesItem'
  | 'TypeItem'
  | 'ItemsItem'
  | 'Any';

interface Field {
  readonly no: number;
  /** The JSON key (or the oneof member's name). */
  readonly key: string;
  readonly type: Scalar | MessageName;
  readonly repeated?: boolean;
  /** Every JSON key (but the `x-` ones of a message with vendor extensions) is an entry of this repeated `Named<type>` field. */
  readonly map?: boolean;
  /** A oneof member: written even when zero. */
  readonly oneof?: boolean;
}

interface Message {
  readonly fields: readonly Field[];
  /** The field number of `repeated NamedAny vendor_extension`. */
  readonly vendor?: number;
  /** JSON value → the message's fields by key. */
  readonly wrap?: (json: unknown) => JsonObject;
  /** The message's fields by key → JSON value. */
  readonly unwrap?: (message: JsonObject) => unknown;
}

/**
 * A message's fields, as in the .proto: `'<number> <JSON key> [<type>]'`, separated by commas; the
 * type is `string` unless given; `[]` after it: repeated; `{}`: every JSON key (but the `x-` ones
 * of a message with vendor extensions) is an entry of this repeated `Named<type>` field.
 */
function fields(spec: string): Field[] {
  return spec.split(',').map((entry) => {
    const [no = '', key = '', type = 'string'] = entry.trim().split(/\s+/);
    const base = type.replace(/\[\]$|\{\}$/, '') as Field['type'];
    return { no: Number(no), key, type: base, ...(type.endsWith('[]') ? { repeated: true } : {}), ...(type.endsWith('{}') ? { map: true } : {}) };
  });
}
const oneOf = (spec: string, choose: (json: unknown) => string): Message => ({
  fields: fields(spec).map((field) => ({ ...field, oneof: true })),
  wrap: (json) => ({ [choose(json)]: json }),
  unwrap: (m) => Object.values(m)[0],
});
const byRef = (json: unknown) => (isObject(json) && '$ref' in json ? 'reference' : 'value');
const single = (key: string) => ({
  wrap: (json: unknown) => ({ [key]: Array.isArray(json) ? json : [json] }),
  unwrap: (m: JsonObject) => unwrapSingle(m[key]),
});
const unwrapSingle = (v: unknown) => (Array.isArray(v) && v.length === 1 ? v[0] : (v ?? []));
const PARAMETER = '1 required bool, 2 in, 3 description, 4 name';
const SCHEMA = [
  '1 $ref, 2 format, 3 title, 4 description, 5 default Any, 6 multipleOf double, 7 maximum double, 8 exclusiveMaximum bool',
  '9 minimum double, 10 exclusiveMinimum bool, 11 maxLength int64, 12 minLength int64, 13 pattern, 14 maxItems int64',
  '15 minItems int64, 16 uniqueItems bool, 17 maxProperties int64, 18 minProperties int64, 19 required string[], 20 enum Any[]',
  '21 additionalProperties AdditionalPropertiesItem, 22 type TypeItem, 23 items ItemsItem, 24 allOf Schema[]',
  '25 properties Properties, 26 discriminator, 27 readOnly bool, 30 example Any',
].join(',');

const MESSAGES: Readonly<Record<MessageName, Message>> = {
  Document: { fields: fields('1 swagger, 2 info Info, 3 host, 4 basePath, 8 paths Paths, 9 definitions Definitions'), vendor: 16 },
  Info: { fields: fields('1 title, 2 version, 3 description'), vendor: 7 },
  Paths: { fields: fields('2 * PathItem{}'), vendor: 1 },
  PathItem: {
    fields: fields(
      '1 $ref, 2 get Operation, 3 put Operation, 4 post Operation, 5 delete Operation, 6 options Operation, 7 head Operation, 8 patch Operation, 9 parameters ParametersItem[]',
    ),
    vendor: 10,
  },
  Operation: {
    fields: fields(
      '1 tags string[], 2 summary, 3 description, 5 operationId, 6 produces string[], 7 consumes string[], 8 parameters ParametersItem[], 9 responses Responses, 10 schemes string[], 11 deprecated bool',
    ),
    vendor: 13,
  },
  ParametersItem: oneOf('1 value Parameter, 2 reference JsonReference', byRef),
  JsonReference: { fields: fields('1 $ref, 2 description') },
  Parameter: oneOf('1 body BodyParameter, 2 other NonBodyParameter', (json) => (isObject(json) && json.in === 'body' ? 'body' : 'other')),
  BodyParameter: { fields: fields('1 description, 2 name, 3 in, 4 required bool, 5 schema Schema'), vendor: 6 },
  NonBodyParameter: oneOf('1 header HeaderParameterSubSchema, 3 query QueryParameterSubSchema, 4 path PathParameterSubSchema', (json) =>
    String(isObject(json) ? json.in : ''),
  ),
  QueryParameterSubSchema: { fields: fields(`${PARAMETER}, 5 allowEmptyValue bool, 6 type, 7 format, 20 uniqueItems bool`), vendor: 23 },
  PathParameterSubSchema: { fields: fields(`${PARAMETER}, 5 type, 6 format, 19 uniqueItems bool`), vendor: 22 },
  HeaderParameterSubSchema: { fields: fields(`${PARAMETER}, 5 type, 6 format, 19 uniqueItems bool`), vendor: 22 },
  Responses: { fields: fields('1 * ResponseValue{}'), vendor: 2 },
  ResponseValue: oneOf('1 value Response, 2 reference JsonReference', byRef),
  Response: { fields: fields('1 description, 2 schema SchemaItem'), vendor: 5 },
  SchemaItem: oneOf('1 schema Schema', () => 'schema'),
  Definitions: { fields: fields('1 * Schema{}') },
  Properties: { fields: fields('1 * Schema{}') },
  Schema: { fields: fields(SCHEMA), vendor: 31 },
  AdditionalPropertiesItem: oneOf('1 schema Schema, 2 boolean bool', (json) => (typeof json === 'boolean' ? 'boolean' : 'schema')),
  TypeItem: { fields: fields('1 value string[]'), ...single('value') },
  ItemsItem: { fields: fields('1 schema Schema[]'), ...single('schema') },
  Any: {
    fields: fields('2 yaml'),
    wrap: (json: unknown) => ({ yaml: stringify(json) }),
    unwrap: (m: JsonObject) => parse(String(m.yaml ?? 'null')) as unknown,
  },
};

const messageOf = (name: MessageName): Message => MESSAGES[name];
const isScalar = (type: Field['type']): type is Scalar => type === 'string' || type === 'bool' || type === 'double' || type === 'int64';
const isVendor = (key: string) => key.startsWith('x-');

/** Writes one value of a field (a scalar, or a message encoded in place). */
function writeValue(w: ProtoWriter, field: Field, value: unknown): void {
  if (field.type === 'string') w.bytes(field.no, String(value));
  else if (field.type === 'bool') w.int(field.no, value === true);
  else if (field.type === 'int64') w.int(field.no, Number(value));
  else if (field.type === 'double') w.double(field.no, Number(value));
  else w.bytes(field.no, encodeMessage(field.type, value));
}

const isZero = (v: unknown) => v === '' || v === 0 || v === false;
const named = (name: string, type: MessageName, value: unknown): Buffer => {
  const w = new ProtoWriter();
  w.bytes(1, name);
  w.bytes(2, encodeMessage(type, value));
  return w.finish();
};

/** Encodes a JSON value as the message `name`. */
function encodeMessage(name: MessageName, json: unknown): Buffer {
  const spec = messageOf(name);
  const values = spec.wrap ? spec.wrap(json) : isObject(json) ? json : {};
  const w = new ProtoWriter();
  const entries = Object.entries(values);
  const fields = [...spec.fields].sort((a, b) => a.no - b.no);
  for (const field of fields) {
    if (field.map) {
      for (const [key, value] of entries) if (spec.vendor === undefined || !isVendor(key)) w.bytes(field.no, named(key, field.type as MessageName, value));
      continue;
    }
    const value = values[field.key];
    if (value === undefined || value === null || (isZero(value) && !field.oneof && isScalar(field.type))) continue;
    for (const item of field.repeated && Array.isArray(value) ? value : [value]) writeValue(w, field, item);
  }
  if (spec.vendor !== undefined) for (const [key, value] of entries) if (isVendor(key)) w.bytes(spec.vendor, named(key, 'Any', value));
  return w.finish();
}

/** The gnostic `openapi.v2.Document` of a Swagger 2.0 document, protobuf-encoded. */
export function encodeOpenApiV2(document: JsonObject): Buffer {
  return encodeMessage('Document', document);
}

function readValue(field: Field, wire: WireField): unknown {
  const { value } = wire;
  if (field.type === 'string') return Buffer.isBuffer(value) ? value.toString('utf8') : '';
  if (field.type === 'bool') return value === 1n;
  if (field.type === 'int64') return typeof value === 'bigint' ? Number(BigInt.asIntN(64, value)) : 0;
  if (field.type === 'double') return Buffer.isBuffer(value) ? value.readDoubleLE(0) : 0;
  return decodeMessage(field.type, Buffer.isBuffer(value) ? value : Buffer.alloc(0));
}

function readNamed(type: MessageName, b: Buffer): [string, unknown] {
  let name = '';
  let value: unknown;
  for (const w of readFields(b)) {
    if (w.field === 1 && Buffer.isBuffer(w.value)) name = w.value.toString('utf8');
    if (w.field === 2 && Buffer.isBuffer(w.value)) value = decodeMessage(type, w.value);
  }
  return [name, value];
}

/** Decodes the message `name` back to its JSON value. */
function decodeMessage(name: MessageName, b: Buffer): unknown {
  const spec = messageOf(name);
  const out: JsonObject = {};
  for (const wire of readFields(b)) {
    if (wire.field === spec.vendor && Buffer.isBuffer(wire.value)) {
      const [key, value] = readNamed('Any', wire.value);
      out[key] = value;
      continue;
    }
    const field = spec.fields.find((candidate) => candidate.no === wire.field);
    if (!field) continue;
    if (field.map && Buffer.isBuffer(wire.value)) {
      const [key, value] = readNamed(field.type as MessageName, wire.value);
      out[key] = value;
    } else if (field.repeated) out[field.key] = [...((out[field.key] as unknown[] | undefined) ?? []), readValue(field, wire)];
    else out[field.key] = readValue(field, wire);
  }
  return spec.unwrap ? spec.unwrap(out) : out;
}

/** Decodes a gnostic `openapi.v2.Document` back to its Swagger JSON (zero scalars outside oneofs come back absent). */
export function decodeOpenApiV2(b: Buffer): JsonObject {
  const document = decodeMessage('Document', b);
  return isObject(document) ? document : {};
}
