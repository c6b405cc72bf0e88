/** IPv4 CIDR parsing and overlap, on top of ipaddr.js. */
import ipaddr from 'ipaddr.js';

/** Loose shape of an IPv4 CIDR, for CRD schemas; the exact check is {@link parseCidr}. */
export const IPV4_CIDR_PATTERN = '^([0-9]{1,3}\\.){3}[0-9]{1,3}/[0-9]{1,2}$';

/** A parsed IPv4 network: first address and prefix length. */
export interface Cidr {
  /** The network as `a.b.c.d/n`. */
  readonly text: string;
  /** The network address as a 32-bit unsigned number. */
  readonly first: number;
  /** Prefix length, 0 to 32. */
  readonly prefix: number;
  /** Number of addresses, `2 ** (32 - prefix)`. */
  readonly size: number;
}

/** Parses `a.b.c.d/n`; returns a reason string when it is not a valid IPv4 network address. */
export function parseCidr(text: string): Cidr | string {
  if (!ipaddr.IPv4.isValidCIDR(text)) return 'must be an IPv4 CIDR such as 10.0.0.0/16';
  const [address, prefix] = ipaddr.IPv4.parseCIDR(text);
  const value = toNumber(address);
  const size = 2 ** (32 - prefix);
  const first = value - (value % size);
  if (first !== value) {
    return `must be a network address: ${text} has host bits set (did you mean ${fromNumber(first)}/${prefix}?)`;
  }
  return { text, first, prefix, size };
}

/** Whether two networks share at least one address. */
export function cidrsOverlap(a: Cidr, b: Cidr): boolean {
  return a.first < b.first + b.size && b.first < a.first + a.size;
}

/** The network of `prefix` bits starting at address `first` (which must be aligned to it). */
export function cidrFrom(first: number, prefix: number): Cidr {
  const size = 2 ** (32 - prefix);
  if (!Number.isInteger(prefix) || prefix < 0 || prefix > 32 || first % size !== 0 || first < 0 || first + size > 2 ** 32) {
    throw new RangeError(`cidrFrom: ${first}/${prefix} is not an aligned IPv4 network`);
  }
  return { text: `${fromNumber(first)}/${prefix}`, first, prefix, size };
}

/** Whether `text` is a valid IPv4 or IPv6 address. */
export function isIpAddress(text: string): boolean {
  return ipaddr.isValid(text) && (ipaddr.IPv4.isValidFourPartDecimal(text) || ipaddr.IPv6.isValid(text));
}

function toNumber(address: ipaddr.IPv4): number {
  return address.octets.reduce((n, octet) => n * 256 + octet, 0);
}

function fromNumber(value: number): string {
  return [24, 16, 8, 0].map((shift) => Math.floor(value / 2 ** shift) % 256).join('.');
}
