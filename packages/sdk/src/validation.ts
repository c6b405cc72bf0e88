import type { z } from 'zod';

/** One problem with one field. `path` reads like `spec.workers[1].memory`. */
export interface FieldIssue {
  /** Field path, e.g. `spec.workers[1].memory`. */
  readonly path: string;
  /** What is wrong with the field. */
  readonly message: string;
}

/** Every problem found in an object, each with its field path. Never a partial list. */
export interface ValidationError {
  /** Discriminant. */
  readonly kind: 'ValidationError';
  /** Kind of the object that was checked (`Cluster`, …). */
  readonly resource: string;
  /** `metadata.name` when the object had one. */
  readonly name?: string;
  /** Every issue found. */
  readonly issues: readonly FieldIssue[];
  /** All issues on one line each, `path: message`: fit for a condition message. */
  readonly message: string;
}

/** Builds a {@link ValidationError} from its issues. */
export function validationError(resource: string, issues: readonly FieldIssue[], name?: string): ValidationError {
  const message = issues.map((issue) => `${issue.path}: ${issue.message}`).join('\n');
  return { kind: 'ValidationError', resource, ...(name === undefined ? {} : { name }), issues, message };
}

/** Formats a path (`['spec', 'workers', 1, 'memory']`) as `spec.workers[1].memory`. */
export function formatPath(path: readonly PropertyKey[]): string {
  let out = '';
  for (const segment of path) {
    if (typeof segment === 'number') out += `[${segment}]`;
    else if (typeof segment === 'string' && /^[A-Za-z_][A-Za-z0-9_-]*$/.test(segment)) out += out ? `.${segment}` : segment;
    else out += `[${JSON.stringify(String(segment))}]`;
  }
  return out || '(root)';
}

/**
 * Parse-level zod error map: messages a person understands. Messages a schema sets itself
 * take precedence over these.
 */
export const errorMap = (issue: z.core.$ZodRawIssue): string | undefined => describe(issue as z.core.$ZodIssue, issue.input);

/** Turns zod issues into field issues, one per unknown key. */
export function fromZodIssues(issues: readonly z.core.$ZodIssue[]): FieldIssue[] {
  return issues.flatMap((issue): FieldIssue[] => {
    if (issue.code === 'unrecognized_keys') {
      return issue.keys.map((key) => ({ path: formatPath([...issue.path, key]), message: 'unknown field' }));
    }
    if (issue.code === 'invalid_union' && issue.errors.length > 0) {
      const first = issue.errors[0] ?? [];
      return fromZodIssues(first.map((inner) => ({ ...inner, path: [...issue.path, ...inner.path] })));
    }
    return [{ path: formatPath(issue.path), message: issue.message }];
  });
}

function describe(issue: z.core.$ZodIssue, value: unknown): string | undefined {
  switch (issue.code) {
    case 'invalid_type':
      return value === undefined ? 'is required' : `must be ${article(issue.expected)} (got ${typeName(value)})`;
    case 'invalid_value':
      return issue.values.length === 1
        ? `must be ${JSON.stringify(issue.values[0])}`
        : `must be one of ${issue.values.map((v) => JSON.stringify(v)).join(', ')} (got ${JSON.stringify(value)})`;
    case 'too_small':
      return bound('at least', issue.origin, issue.minimum, issue.inclusive);
    case 'too_big':
      return bound('at most', issue.origin, issue.maximum, issue.inclusive);
    default:
      return undefined;
  }
}

function bound(word: string, origin: string, limit: number | bigint, inclusive = true): string {
  const strict = inclusive ? '' : word === 'at least' ? ' (exclusive)' : ' (exclusive)';
  if (origin === 'string') return `must be ${word} ${limit} characters long${strict}`;
  if (origin === 'array' || origin === 'set') return `must have ${word} ${limit} item${limit === 1 ? '' : 's'}${strict}`;
  return `must be ${word} ${limit}${strict}`;
}

function article(type: string): string {
  if (type === 'int') return 'an integer';
  return /^[aeiou]/.test(type) ? `an ${type}` : `a ${type}`;
}

function typeName(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'array';
  return typeof value;
}
