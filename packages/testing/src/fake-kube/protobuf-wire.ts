/**
 * The protobuf wire format (internal): what a message encoder and decoder need: varints (uint64,
 * int64 two's complement), length-delimited fields, doubles (fixed64) and field keys.
 * See https://protobuf.dev/programming-guides/encoding/.
 */

/** Wire types. */
export const WireType = { varint: 0, fixed64: 1, bytes: 2, fixed32: 5 } as const;
/** A wire type. */
export type WireType = (typeof WireType)[keyof typeof WireType];

/** Appends fields to a growing list of chunks; `finish` joins them. */
export class ProtoWriter {
  private readonly chunks: Buffer[] = [];

  private varint(value: bigint): void {
    const bytes: number[] = [];
    let v = BigInt.asUintN(64, value);
    while (v >= 0x80n) {
      bytes.push(Number(v & 0x7fn) | 0x80);
      v >>= 7n;
    }
    bytes.push(Number(v));
    this.chunks.push(Buffer.from(bytes));
  }

  private key(field: number, wire: WireType): void {
    this.varint(BigInt((field << 3) | wire));
  }

  /** A varint field: a bool, an int64 (negative values take ten bytes, as in Go). */
  int(field: number, value: number | boolean): void {
    this.key(field, WireType.varint);
    this.varint(BigInt(typeof value === 'boolean' ? Number(value) : Math.trunc(value)));
  }

  double(field: number, value: number): void {
    this.key(field, WireType.fixed64);
    const b = Buffer.alloc(8);
    b.writeDoubleLE(value);
    this.chunks.push(b);
  }

  /** A length-delimited field: a string (UTF-8) or an encoded message. */
  bytes(field: number, value: string | Buffer): void {
    const b = typeof value === 'string' ? Buffer.from(value, 'utf8') : value;
    this.key(field, WireType.bytes);
    this.varint(BigInt(b.length));
    this.chunks.push(b);
  }

  finish(): Buffer {
    return Buffer.concat(this.chunks);
  }
}

/** One field as read from the wire: varints as bigint, fixed64 and length-delimited as bytes. */
export interface WireField {
  readonly field: number;
  readonly wire: WireType;
  readonly value: bigint | Buffer;
}

function readVarint(b: Buffer, at: number): [bigint, number] {
  let result = 0n;
  let shift = 0n;
  for (let i = at; i < b.length; i++) {
    const byte = b[i] ?? 0;
    result |= BigInt(byte & 0x7f) << shift;
    if (byte < 0x80) return [result, i + 1];
    shift += 7n;
  }
  throw new Error('protobuf: truncated varint');
}

/** The fields of an encoded message, in wire order. */
export function readFields(b: Buffer): WireField[] {
  const fields: WireField[] = [];
  let at = 0;
  while (at < b.length) {
    const [key, next] = readVarint(b, at);
    const field = Number(key >> 3n);
    const wire = Number(key & 7n) as WireType;
    if (wire === WireType.varint) {
      const [value, after] = readVarint(b, next);
      fields.push({ field, wire, value });
      at = after;
    } else if (wire === WireType.bytes) {
      const [length, start] = readVarint(b, next);
      const end = start + Number(length);
      if (end > b.length) throw new Error('protobuf: truncated field');
      fields.push({ field, wire, value: b.subarray(start, end) });
      at = end;
    } else {
      const size = wire === WireType.fixed64 ? 8 : 4;
      fields.push({ field, wire, value: b.subarray(next, next + size) });
      at = next + size;
    }
  }
  return fields;
}
