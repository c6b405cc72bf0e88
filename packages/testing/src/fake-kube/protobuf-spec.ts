/**
 * Protobuf messages written as plain data, for tests of what a server decodes: `{ 1: 'web', 7: 0, 11: [{ 1: 'k', 2: 'v' }] }`.
 * Strings and buffers are length-delimited fields, numbers and booleans varints, objects nested
 * messages, arrays repeated fields (in order). Field order is ascending, as Go's generated code writes it.
 */
import { ProtoWriter } from './protobuf-wire.js';

/** A message by field number. */
export type ProtoSpec = { readonly [field: number]: ProtoValue };
/** A field's value (see the module doc). */
export type ProtoValue = string | number | boolean | Buffer | ProtoSpec | readonly ProtoValue[];

function put(w: ProtoWriter, field: number, value: ProtoValue): void {
  if (Array.isArray(value)) for (const v of value as readonly ProtoValue[]) put(w, field, v);
  else if (typeof value === 'string' || Buffer.isBuffer(value)) w.bytes(field, value);
  else if (typeof value === 'object') w.bytes(field, encodeSpec(value as ProtoSpec));
  else w.int(field, value as number | boolean);
}

/** Encodes a message. */
export function encodeSpec(spec: ProtoSpec): Buffer {
  const w = new ProtoWriter();
  for (const [field, value] of Object.entries(spec)) put(w, Number(field), value);
  return w.finish();
}

/**
 * A Kubernetes protobuf body as client-go writes it: the `k8s\0` magic, then the `runtime.Unknown`
 * envelope {typeMeta {apiVersion, kind}, raw, contentEncoding, contentType}.
 */
export const kubeProtobufBody = (apiVersion: string, kind: string, raw: ProtoSpec): Buffer =>
  Buffer.concat([Buffer.from('k8s\0', 'latin1'), encodeSpec({ 1: { 1: apiVersion, 2: kind }, 2: encodeSpec(raw), 3: '', 4: '' })]);
