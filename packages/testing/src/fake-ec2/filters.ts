/**
 * `Filter.N` matching (EC2 semantics: filters AND, values OR, `*`/`?` wildcards, `tag:<key>`,
 * `tag-key`, `tag-value`) and `MaxResults`/`NextToken` pagination (internal).
 */
import { Ec2Error, invalidValue } from './errors.js';
import type { Filter, Params } from './params.js';

/** What a filter name reads from a resource: one value, several, or none. */
export type FilterGetter<R> = (resource: R) => string | readonly string[] | undefined | boolean | number;

/** Filter names a Describe action supports, besides the tag filters. */
export type FilterTable<R> = Readonly<Record<string, FilterGetter<R>>>;

const patterns = new Map<string, RegExp>();

function pattern(value: string): RegExp {
  let re = patterns.get(value);
  if (!re) {
    let src = '';
    for (let i = 0; i < value.length; i++) {
      const c = value[i] ?? '';
      if (c === '\\' && i + 1 < value.length) src += (value[++i] ?? '').replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');
      else if (c === '*') src += '.*';
      else if (c === '?') src += '.';
      else src += c.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');
    }
    re = new RegExp(`^${src}$`, 's');
    if (patterns.size > 10_000) patterns.clear();
    patterns.set(value, re);
  }
  return re;
}

function valuesOf(got: ReturnType<FilterGetter<unknown>>): readonly string[] {
  if (got === undefined) return [];
  if (typeof got === 'string') return [got];
  if (typeof got === 'boolean' || typeof got === 'number') return [String(got)];
  return got;
}

/** Rejects filter names the table does not know (`InvalidParameterValue: The filter 'x' is invalid`). */
export function checkFilters<R>(filters: readonly Filter[], table: FilterTable<R>): void {
  for (const f of filters) {
    if (f.name.startsWith('tag:') || f.name === 'tag-key' || f.name === 'tag-value' || f.name in table) continue;
    throw invalidValue(`The filter '${f.name}' is invalid`);
  }
}

/** Whether a resource with `tags` passes every filter. */
export function matches<R>(resource: R, tags: ReadonlyMap<string, string>, filters: readonly Filter[], table: FilterTable<R>): boolean {
  for (const f of filters) {
    let actual: readonly string[];
    if (f.name.startsWith('tag:')) {
      const v = tags.get(f.name.slice(4));
      actual = v === undefined ? [] : [v];
    } else if (f.name === 'tag-key') actual = [...tags.keys()];
    else if (f.name === 'tag-value') actual = [...tags.values()];
    else actual = valuesOf((table[f.name] as FilterGetter<R>)(resource));
    if (!f.values.some((v) => actual.some((a) => pattern(v).test(a)))) return false;
  }
  return true;
}

/** Limits of `MaxResults` for an action. */
export interface PageLimits {
  readonly min: number;
  readonly max: number;
}

function decodeToken(token: string): number {
  try {
    const parsed = JSON.parse(Buffer.from(token, 'base64url').toString('utf8')) as { o?: unknown };
    if (typeof parsed.o === 'number' && Number.isInteger(parsed.o) && parsed.o >= 0) return parsed.o;
  } catch {
    // fall through
  }
  throw new Ec2Error('InvalidPaginationToken', 'The specified pagination token is not valid or is expired.');
}

/**
 * One page of `items` by `MaxResults`/`NextToken`. Without `MaxResults` everything is returned
 * (EC2's behaviour for the Describe calls modelled here).
 */
export function paginate<T>(items: readonly T[], params: Params, limits: PageLimits = { min: 5, max: 1000 }): { page: T[]; nextToken: string | undefined } {
  const max = params.int('MaxResults');
  const token = params.get('NextToken');
  const offset = token === undefined || token === '' ? 0 : decodeToken(token);
  if (max === undefined) return { page: items.slice(offset), nextToken: undefined };
  if (max < limits.min) throw invalidValue(`Value ( ${max} ) for parameter maxResults is invalid. Expecting a value greater than ${limits.min}.`);
  if (max > limits.max) throw invalidValue(`Value ( ${max} ) for parameter maxResults is invalid. Expecting a value less than ${limits.max}.`);
  const page = items.slice(offset, offset + max);
  const next = offset + max < items.length ? Buffer.from(JSON.stringify({ o: offset + max })).toString('base64url') : undefined;
  return { page, nextToken: next };
}
