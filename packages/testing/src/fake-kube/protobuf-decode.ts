/**
 * Kubernetes protobuf request bodies (internal): the `k8s\0` magic, the `runtime.Unknown` envelope
 * (k8s.io/apimachinery/pkg/runtime/generated.proto: typeMeta=1 {apiVersion=1, kind=2}, raw=2,
 * contentEncoding=3, contentType=4) and the message inside, decoded into the JSON object a JSON
 * client would have sent for the same Go object. Messages are read through the descriptor tables of
 * ./protobuf-messages-*.ts. Go's generated code (gogo, proto2) writes every non-pointer field, zero
 * or not, and pointer fields only when set; the JSON is what `encoding/json` makes of the decoded
 * object: zero `omitempty` scalars left out, structs always written (a zero `metav1.Time` as `null`),
 * pointers written when set.
 *
 * A field number the tables do not know is refused rather than dropped (kube-apiserver skips unknown
 * fields; the fake cannot know what it would lose). Protobuf responses are not modelled.
 */
import { CORE_MESSAGES } from './protobuf-messages-core.js';
import { GROUP_MESSAGES } from './protobuf-messages-groups.js';
import { META_MESSAGES } from './protobuf-messages-meta.js';
import { readFields, WireType, type WireField } from './protobuf-wire.js';
import type { JsonObject } from './types.js';

/** The media type of protobuf bodies. */
export const PROTOBUF_MEDIA_TYPE = 'application/vnd.kubernetes.protobuf';

/** The magic every protobuf body starts with: `k8s` and the encoding style 0 (a `runtime.Unknown`). */
const MAGIC = Buffer.from([0x6b, 0x38, 0x73, 0x00]);

/** What a protobuf body decodes to; errors word kube-apiserver's (`unrecognized`: no kind known yet). */
export type ProtobufDecoded =
  | { readonly kind: 'object'; readonly object: JsonObject }
  | { readonly kind: 'unrecognized'; readonly why: string }
  | { readonly kind: 'undecodable'; readonly bodyKind: string; readonly version: string; readonly why: string };

/** Types with a JSON form of their own (Go structs, written even when zero, but for the pointer-only `fieldsV1` and the `stringList` of maps). */
const SPECIAL = ['time', 'microTime', 'intOrString', 'quantity', 'fieldsV1', 'stringList'] as const;
/** Scalars: the only types `omitempty` leaves out when zero. */
const SCALARS = ['string', 'int', 'bool', 'bytes'] as const;

/** One field of a descriptor, parsed from its notation (see ./protobuf-messages-meta.ts). */
interface Field {
  readonly json: string;
  readonly type: string;
  readonly shape: 'one' | 'list' | 'map';
  /** A Go pointer: written when set, even when zero. */
  readonly pointer: boolean;
  /** No `omitempty`: written when zero. */
  readonly keep: boolean;
}

/** Every message the fake decodes, by name. */
const MESSAGES: Readonly<Record<string, Readonly<Record<number, string>>>> = { ...META_MESSAGES, ...CORE_MESSAGES, ...GROUP_MESSAGES };

/** The kinds whose bodies the fake decodes (each has the message of its name). */
export const PROTOBUF_KINDS: readonly string[] = [
  ...['Namespace', 'ConfigMap', 'Secret', 'Service', 'ServiceAccount', 'Deployment', 'Job', 'CronJob', 'Role', 'ClusterRole', 'RoleBinding'],
  ...['ClusterRoleBinding', 'PodDisruptionBudget', 'Ingress', 'Eviction', 'DeleteOptions', 'Scale', 'SelfSubjectAccessReview', 'SelfSubjectRulesReview'],
  ...['SelfSubjectReview', 'Lease'],
];

const NOTATION = /^(\w+|\.\.\.)(?::([[{]?)(\w+)[\]}]?)?([?!]?)$/;

function parseField(notation: string): Field {
  const [, json = '', bracket = '', type = 'string', mark = ''] = NOTATION.exec(notation) ?? [];
  const shape = bracket === '[' ? 'list' : bracket === '{' ? 'map' : 'one';
  return { json, type, shape, pointer: mark === '?', keep: mark === '!' };
}

/** A decode failure deep in a message; `decodeProtobuf` turns it into a value. */
class Undecodable extends Error {}

const fail = (why: string): never => {
  throw new Undecodable(why);
};

function expectWire(f: WireField, wire: WireType, where: string): void {
  if (f.wire !== wire) fail(`${where}: wire type ${f.wire}, expected ${wire}`);
}

const bytesOf = (f: WireField, where: string): Buffer => {
  expectWire(f, WireType.bytes, where);
  return f.value as Buffer;
};

const varintOf = (f: WireField, where: string): bigint => {
  expectWire(f, WireType.varint, where);
  return f.value as bigint;
};

/** The fields of a small message by number, the last occurrence winning as in Go. */
function byNumber(b: Buffer): Map<number, WireField> {
  return new Map(readFields(b).map((f) => [f.field, f]));
}

const intField = (fields: Map<number, WireField>, n: number, where: string): number => {
  const f = fields.get(n);
  return f === undefined ? 0 : Number(BigInt.asIntN(64, varintOf(f, where)));
};

const stringField = (fields: Map<number, WireField>, n: number, where: string): string => {
  const f = fields.get(n);
  return f === undefined ? '' : bytesOf(f, where).toString('utf8');
};

/** `metav1.Time` (seconds only, as its Unmarshal keeps) and `MicroTime` (to the microsecond); an empty message is the zero time. */
function timeValue(b: Buffer, micro: boolean, where: string): string | null {
  if (b.length === 0) return null;
  const fields = byNumber(b);
  const seconds = intField(fields, 1, where);
  if (!micro) return new Date(seconds * 1000).toISOString().replace(/\.\d+Z$/, 'Z');
  const micros = Math.floor(intField(fields, 2, where) / 1000);
  return `${new Date(seconds * 1000).toISOString().slice(0, 19)}.${String(micros).padStart(6, '0')}Z`;
}

/** A special type's JSON value from its message (`b` empty: the zero value). */
function specialValue(type: string, b: Buffer, where: string): unknown {
  const fields = byNumber(b);
  switch (type) {
    case 'time':
    case 'microTime':
      return timeValue(b, type === 'microTime', where);
    case 'intOrString':
      return intField(fields, 1, where) === 1 ? stringField(fields, 3, where) : intField(fields, 2, where);
    case 'quantity':
      return stringField(fields, 1, where) || '0';
    case 'fieldsV1':
      return fields.has(1) ? (JSON.parse(stringField(fields, 1, where)) as unknown) : null;
    default:
      return readFields(b).map((f) => (f.field === 1 ? bytesOf(f, where).toString('utf8') : fail(`${where}: unknown field ${f.field}`)));
  }
}

/** One value of `type` from the wire. */
function valueOf(type: string, f: WireField, where: string): unknown {
  switch (type) {
    case 'string':
      return bytesOf(f, where).toString('utf8');
    case 'bytes':
      return bytesOf(f, where).toString('base64');
    case 'int':
      return Number(BigInt.asIntN(64, varintOf(f, where)));
    case 'bool':
      return varintOf(f, where) !== 0n;
    default:
      return (SPECIAL as readonly string[]).includes(type)
        ? specialValue(type, bytesOf(f, where), `${where} (${type})`)
        : decodeMessage(type, bytesOf(f, where));
  }
}

/** The zero value of a field's type, as Go holds it. */
function zeroOf(type: string): unknown {
  if ((SCALARS as readonly string[]).includes(type)) return type === 'int' ? 0 : type === 'bool' ? false : '';
  return (SPECIAL as readonly string[]).includes(type) ? specialValue(type, Buffer.alloc(0), type) : decodeMessage(type, Buffer.alloc(0));
}

/** A map field's entries (key=1, value=2; an absent value is the zero value). */
function mapEntry(field: Field, f: WireField, where: string): [string, unknown] {
  const entry = readFields(bytesOf(f, where));
  let key = '';
  let value: unknown = zeroOf(field.type);
  for (const e of entry) {
    if (e.field === 1) key = bytesOf(e, `${where} key`).toString('utf8');
    else if (e.field === 2) value = valueOf(field.type, e, `${where}[${key}]`);
    else fail(`${where}: unknown map entry field ${e.field}`);
  }
  return [key, value];
}

/** The JSON value of a field from its wire occurrences, or `undefined` when `encoding/json` leaves it out. */
function fieldValue(field: Field, occurrences: readonly WireField[], where: string): unknown {
  if (field.shape === 'list') return occurrences.length > 0 ? occurrences.map((f) => valueOf(field.type, f, where)) : field.keep ? null : undefined;
  if (field.shape === 'map')
    return occurrences.length > 0 ? Object.fromEntries(occurrences.map((f) => mapEntry(field, f, where))) : field.keep ? null : undefined;
  const last = occurrences.at(-1);
  if (field.pointer) return last === undefined ? undefined : valueOf(field.type, last, where);
  const value = last === undefined ? zeroOf(field.type) : valueOf(field.type, last, where);
  const struct = !(SCALARS as readonly string[]).includes(field.type);
  return struct || field.keep || (value !== '' && value !== 0 && value !== false) ? value : undefined;
}

/** Decodes a message of the descriptor table into its JSON object. */
function decodeMessage(name: string, b: Buffer): JsonObject {
  const descriptor = MESSAGES[name] ?? fail(`no descriptor for ${name}`);
  const wire = readFields(b);
  const unknown = wire.find((f) => descriptor[f.field] === undefined);
  if (unknown) fail(`field ${unknown.field} of ${name} is not modelled by the fake`);
  const out: JsonObject = {};
  for (const [number, notation] of Object.entries(descriptor)) {
    const field = parseField(notation);
    const value = fieldValue(
      field,
      wire.filter((f) => f.field === Number(number)),
      `${name}.${field.json}`,
    );
    if (value === undefined) continue;
    if (field.json === '...') Object.assign(out, value);
    else out[field.json] = value;
  }
  return out;
}

/** The `runtime.Unknown` envelope after the magic. */
function unwrap(data: Buffer): { apiVersion: string; kind: string; raw: Buffer } {
  const fields = byNumber(data);
  const typeMeta = byNumber(fields.has(1) ? bytesOf(fields.get(1)!, 'Unknown.typeMeta') : Buffer.alloc(0));
  const raw = fields.get(2);
  return {
    apiVersion: stringField(typeMeta, 1, 'TypeMeta.apiVersion'),
    kind: stringField(typeMeta, 2, 'TypeMeta.kind'),
    raw: raw === undefined ? Buffer.alloc(0) : bytesOf(raw, 'Unknown.raw'),
  };
}

/**
 * Decodes a protobuf body sent to an endpoint of `kind`, as kube-apiserver's protobuf serializer
 * reads it: the envelope's kind and version, defaulted from the endpoint's (every kind decoded here
 * is served at v1 only).
 */
export function decodeProtobuf(body: Buffer, kind: string): ProtobufDecoded {
  const version = 'v1';
  if (body.length === 0) return { kind: 'unrecognized', why: 'empty data' };
  if (!body.subarray(0, MAGIC.length).equals(MAGIC))
    return { kind: 'unrecognized', why: `provided data does not appear to be a protobuf message, expected prefix [${[...MAGIC].join(' ')}]` };
  if (body.length === MAGIC.length) return { kind: 'unrecognized', why: 'empty body' };
  let envelope: ReturnType<typeof unwrap>;
  try {
    envelope = unwrap(body.subarray(MAGIC.length));
  } catch (e) {
    return { kind: 'unrecognized', why: (e as Error).message };
  }
  const bodyKind = envelope.kind || kind;
  const bodyVersion = envelope.apiVersion === '' ? version : (envelope.apiVersion.split('/').at(-1) ?? version);
  const undecodable = (why: string): ProtobufDecoded => ({ kind: 'undecodable', bodyKind, version: bodyVersion, why });
  if (!PROTOBUF_KINDS.includes(bodyKind)) return undecodable(`the fake does not decode protobuf bodies of kind ${bodyKind}`);
  try {
    const object = decodeMessage(bodyKind, envelope.raw);
    const typeMeta = { ...(envelope.apiVersion === '' ? {} : { apiVersion: envelope.apiVersion }), ...(envelope.kind === '' ? {} : { kind: envelope.kind }) };
    return { kind: 'object', object: { ...typeMeta, ...object } };
  } catch (e) {
    return undecodable((e as Error).message);
  }
}
