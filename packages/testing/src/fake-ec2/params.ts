/**
 * Reading EC2 Query parameters (internal): flattened 1-based lists (`InstanceId.1`), structures
 * (`Filter.1.Name`, `Filter.1.Value.1`), booleans and integers, with EC2's errors for bad values.
 */
import { type Cidr, cidrFrom, parseCidr } from '@kubeception/sdk';
import { Ec2Error, invalidCidr, invalidValue, missing } from './errors.js';

/** Parses an IPv4 network written canonically (`a.b.c.d/n`, no leading zeros, no host bits); undefined otherwise. */
export function parseNetwork(text: string): Cidr | undefined {
  const parsed = parseCidr(text);
  if (typeof parsed === 'string') return undefined;
  const canonical = cidrFrom(parsed.first, parsed.prefix);
  return canonical.text === text ? canonical : undefined;
}

/** The form parameters of one request, with a view on a nested prefix. */
export class Params {
  constructor(
    private readonly values: ReadonlyMap<string, string>,
    private readonly prefix = '',
  ) {}

  /** Parses a form-encoded body (and the URL's query, for GET requests). */
  static parse(body: string): Params {
    const map = new Map<string, string>();
    for (const [k, v] of new URLSearchParams(body)) map.set(k, v);
    return new Params(map);
  }

  /** A string parameter, or undefined. */
  get(name: string): string | undefined {
    return this.values.get(this.prefix + name);
  }

  /** A required string parameter (`MissingParameter` when absent or empty). */
  required(name: string): string {
    const v = this.get(name);
    if (v === undefined || v === '') throw missing(name);
    return v;
  }

  /** `true`/`false` (a missing parameter is `fallback`). */
  bool(name: string, fallback: boolean): boolean {
    const v = this.get(name);
    if (v === undefined) return fallback;
    if (v !== 'true' && v !== 'false') throw invalidValue(`Invalid value '${v}' for ${name}. Expecting 'true' or 'false'.`);
    return v === 'true';
  }

  /** An integer parameter (`InvalidParameterValue` when not a number). */
  int(name: string): number | undefined {
    const v = this.get(name);
    if (v === undefined) return undefined;
    const n = Number(v);
    if (!Number.isInteger(n)) throw new Ec2Error('InvalidParameterValue', `Invalid value '${v}' for ${name}`);
    return n;
  }

  /** An IPv4 CIDR block parameter, or undefined (`InvalidParameterValue` when it is not a network). */
  cidr(name: string): Cidr | undefined {
    const v = this.get(name);
    if (v === undefined) return undefined;
    const block = parseNetwork(v);
    if (!block) throw invalidCidr(v, `${name.charAt(0).toLowerCase()}${name.slice(1)}`);
    return block;
  }

  /** A nested view: `member('Filter', 1)` reads `Filter.1.*`. */
  member(name: string, index: number): Params {
    return new Params(this.values, `${this.prefix}${name}.${index}.`);
  }

  /** The nested views of a list of structures (`Filter.1.`, `Filter.2.`…), in index order. */
  members(name: string): Params[] {
    return this.indices(name).map((i) => this.member(name, i));
  }

  /** A list of strings (`InstanceId.1`, `InstanceId.2`…), in index order. */
  list(name: string): string[] {
    return this.indices(name).map((i) => this.values.get(`${this.prefix}${name}.${i}`) ?? '');
  }

  /** Every parameter under this view as `key=value` (sorted), for idempotency fingerprints and the log. */
  entries(): [string, string][] {
    return [...this.values]
      .filter(([k]) => k.startsWith(this.prefix))
      .map(([k, v]): [string, string] => [k.slice(this.prefix.length), v])
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  }

  private indices(name: string): number[] {
    const head = `${this.prefix}${name}.`;
    const found = new Set<number>();
    for (const key of this.values.keys()) {
      if (!key.startsWith(head)) continue;
      const n = Number(key.slice(head.length).split('.')[0]);
      if (Number.isInteger(n) && n > 0) found.add(n);
    }
    return [...found].sort((a, b) => a - b);
  }
}

/** One `Filter.N`: a name and its values. */
export interface Filter {
  readonly name: string;
  readonly values: readonly string[];
}

/** The `Filter.N.Name` / `Filter.N.Value.M` list of a request. */
export function filtersOf(params: Params): Filter[] {
  return params.members('Filter').map((f) => ({ name: f.required('Name'), values: f.list('Value') }));
}

/** `Tag.N.Key` / `Tag.N.Value` pairs under a view (values default to ''). */
export function tagsOf(params: Params, name = 'Tag'): { key: string; value: string | undefined }[] {
  return params.members(name).map((t) => ({ key: t.get('Key') ?? '', value: t.get('Value') }));
}
