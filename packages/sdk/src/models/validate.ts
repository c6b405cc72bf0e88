import { err, ok, type Result } from 'neverthrow';
import type { z } from 'zod';
import { errorMap, fromZodIssues, validationError, type FieldIssue, type ValidationError } from '../validation.js';

/**
 * Parses `input` with `schema` (applying defaults), then runs the cross-field `check`
 * on the parsed value. Cross-field checks run once every field is well-formed.
 */
export function validateObject<T>(kind: string, schema: z.ZodType<T>, input: unknown, check?: (value: T) => readonly FieldIssue[]): Result<T, ValidationError> {
  const name = nameOf(input);
  const parsed = schema.safeParse(input, { error: errorMap });
  if (!parsed.success) return err(validationError(kind, fromZodIssues(parsed.error.issues), name));
  const issues = check?.(parsed.data) ?? [];
  return issues.length > 0 ? err(validationError(kind, issues, name)) : ok(parsed.data);
}

function nameOf(input: unknown): string | undefined {
  if (typeof input !== 'object' || input === null) return undefined;
  const metadata = (input as { metadata?: { name?: unknown } }).metadata;
  return typeof metadata?.name === 'string' ? metadata.name : undefined;
}
