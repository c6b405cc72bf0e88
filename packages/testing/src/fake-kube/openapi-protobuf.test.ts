import { describe, expect, it } from 'vitest';
import { builtinResources } from './builtin-resources.js';
import { decodeOpenApiV2, encodeOpenApiV2 } from './openapi-protobuf.js';
import { openApiV2Document } from './openapi-v2.js';
import { ProtoWriter, readFields } from './protobuf-wire.js';

/** The document without what proto3 does not write: zero scalars (outside oneofs) and empty lists. */
function withoutZeros(value: unknown): unknown {
  if (Array.isArray(value)) return value.map((v) => withoutZeros(v));
  if (typeof value !== 'object' || value === null) return value;
  const kept = Object.entries(value).filter(([k, v]) => k.startsWith('x-') || k === 'additionalProperties' || !(v === '' || v === 0 || v === false));
  return Object.fromEntries(kept.map(([k, v]) => [k, k.startsWith('x-') ? v : withoutZeros(v)]));
}

describe('the protobuf wire format', () => {
  it('writes varints, negative int64 in ten bytes, doubles and strings, and reads them back', () => {
    const w = new ProtoWriter();
    w.int(1, 300);
    w.int(2, -1);
    w.double(3, 1.5);
    w.bytes(4, 'hé');
    const b = w.finish();
    expect(b.subarray(0, 3)).toEqual(Buffer.from([0x08, 0xac, 0x02]));
    const fields = readFields(b);
    expect(fields.map((f) => [f.field, f.wire])).toEqual([
      [1, 0],
      [2, 0],
      [3, 1],
      [4, 2],
    ]);
    expect(fields[1]?.value).toBe(2n ** 64n - 1n);
    expect((fields[2]?.value as Buffer).readDoubleLE(0)).toBe(1.5);
    expect((fields[3]?.value as Buffer).toString('utf8')).toBe('hé');
  });

  it('refuses a truncated message', () => {
    expect(() => readFields(Buffer.from([0x0a, 0x05, 0x61]))).toThrow('truncated');
  });
});

describe('the gnostic OpenAPI v2 document', () => {
  it('numbers the fields as OpenAPIv2.proto does (swagger 1, info 2, paths 8, definitions 9)', () => {
    const b = encodeOpenApiV2({ swagger: '2.0', info: { title: 'Kubernetes', version: 'v1.32.0' }, paths: {}, definitions: {} });
    expect(b.subarray(0, 5)).toEqual(Buffer.from([0x0a, 0x03, 0x32, 0x2e, 0x30]));
    expect(readFields(b).map((f) => f.field)).toEqual([1, 2, 8, 9]);
  });

  it('writes vendor extensions as NamedAny with the YAML of the value, as gnostic does', () => {
    const gvk = [{ group: '', kind: 'ConfigMap', version: 'v1' }];
    const b = encodeOpenApiV2({ definitions: { cm: { type: 'object', 'x-kubernetes-group-version-kind': gvk } } });
    const definitions = readFields(b).find((f) => f.field === 9)!.value as Buffer;
    const named = readFields(readFields(definitions)[0]!.value as Buffer);
    const schema = readFields(named[1]!.value as Buffer);
    const extension = readFields(schema.find((f) => f.field === 31)!.value as Buffer);
    expect((extension[0]!.value as Buffer).toString()).toBe('x-kubernetes-group-version-kind');
    const any = readFields(extension[1]!.value as Buffer);
    expect(any.map((f) => [f.field, (f.value as Buffer).toString()])).toEqual([[2, '- group: ""\n  kind: ConfigMap\n  version: v1\n']]);
  });

  it('keeps oneof members that are zero (additionalProperties: false) and drops other zero scalars', () => {
    const doc = { definitions: { a: { type: 'object', additionalProperties: false, minimum: 0, properties: { b: { type: ['string', 'null'] } } } } };
    expect(decodeOpenApiV2(encodeOpenApiV2(doc))).toEqual({
      definitions: { a: { type: 'object', additionalProperties: false, properties: { b: { type: ['string', 'null'] } } } },
    });
  });

  it("round-trips the fake's whole document: definitions, paths, parameters, responses and extensions", () => {
    const doc = openApiV2Document(builtinResources());
    expect(decodeOpenApiV2(encodeOpenApiV2(doc))).toEqual(withoutZeros(doc));
  });
});
