/** IPv4 CIDR arithmetic for VPCs, subnets, routes and instance addresses (internal). */

/** A parsed IPv4 CIDR block. */
export interface Cidr {
  /** The network address as an unsigned 32-bit number. */
  readonly base: number;
  readonly prefix: number;
  /** Number of addresses. */
  readonly size: number;
  /** The canonical text (`10.0.0.0/16`). */
  readonly text: string;
}

/** Parses a dotted-quad address; undefined when malformed. */
export function parseIp(text: string): number | undefined {
  const parts = text.split('.');
  if (parts.length !== 4) return undefined;
  let n = 0;
  for (const p of parts) {
    if (!/^\d{1,3}$/.test(p) || Number(p) > 255) return undefined;
    n = n * 256 + Number(p);
  }
  return n;
}

/** Formats an unsigned 32-bit address. */
export function formatIp(n: number): string {
  return [n >>> 24, (n >>> 16) & 255, (n >>> 8) & 255, n & 255].join('.');
}

/** Parses `a.b.c.d/n`; undefined when malformed or when host bits are set. */
export function parseCidr(text: string): Cidr | undefined {
  const m = /^([\d.]+)\/(\d{1,2})$/.exec(text);
  if (!m) return undefined;
  const base = parseIp(m[1] ?? '');
  const prefix = Number(m[2]);
  if (base === undefined || prefix > 32) return undefined;
  const size = 2 ** (32 - prefix);
  if (base % size !== 0) return undefined;
  return { base, prefix, size, text: `${formatIp(base)}/${prefix}` };
}

/** Whether two blocks share any address. */
export function overlaps(a: Cidr, b: Cidr): boolean {
  return a.base < b.base + b.size && b.base < a.base + a.size;
}

/** Whether `inner` lies entirely inside `outer`. */
export function contains(outer: Cidr, inner: Cidr): boolean {
  return inner.base >= outer.base && inner.base + inner.size <= outer.base + outer.size;
}

/** Whether an address lies inside a block. */
export function containsIp(block: Cidr, ip: number): boolean {
  return ip >= block.base && ip < block.base + block.size;
}

/** Addresses AWS reserves in every subnet: the first four and the last. */
export const RESERVED_PER_SUBNET = 5;

/** The lowest free host address of a subnet (first four and last reserved), or undefined. */
export function freeAddress(block: Cidr, used: ReadonlySet<number>): number | undefined {
  for (let ip = block.base + 4; ip < block.base + block.size - 1; ip++) if (!used.has(ip)) return ip;
  return undefined;
}
