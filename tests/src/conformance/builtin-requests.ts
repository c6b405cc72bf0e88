/**
 * Raw requests and expected answers for the built-in kinds' cases (builtin-*.test.ts): the paths
 * of each kind in the file's namespace, JSON writes through ./raw.ts, and the exact `Status` of a
 * 422 or 400 as kube-apiserver builds it.
 */
import { expect } from 'vitest';
import { rawRequest, type RawResponse } from './raw.js';
import type { Target } from './target.js';

/** One `details.causes` entry. */
export interface Cause {
  readonly reason: string;
  readonly message: string;
  readonly field: string;
}

/** The collection path of a kind: `core` kinds under `/api/v1`, others under `/apis/<group>/v1`. */
export function collection(group: string, plural: string, namespace?: string): string {
  const base = group === '' ? '/api/v1' : `/apis/${group}/v1`;
  return namespace === undefined ? `${base}/${plural}` : `${base}/namespaces/${namespace}/${plural}`;
}

/** JSON requests against the file's target. */
export function requests(target: () => Target) {
  const send = (method: string, path: string, body?: unknown, contentType?: string): Promise<RawResponse> =>
    rawRequest(target().kubeConfig, method, path, { body, ...(contentType ? { contentType } : {}) });
  return {
    get: (path: string) => send('GET', path),
    delete: (path: string) => send('DELETE', path),
    post: (path: string, body: unknown) => send('POST', path, body),
    put: (path: string, body: unknown) => send('PUT', path, body),
    /** A JSON merge patch. */
    merge: (path: string, body: unknown) => send('PATCH', path, body, 'application/merge-patch+json'),
  };
}

/** The Status of a 422: `<Kind[.group]> "<name>" is invalid: <field>: <message>` (a list in brackets for several causes). */
export function invalidStatus(kind: string, group: string, name: string, causes: readonly Cause[]) {
  const bodies = [...new Set(causes.map((c) => `${c.field}: ${c.message}`))];
  const what = group === '' ? kind : `${kind}.${group}`;
  return {
    kind: 'Status',
    apiVersion: 'v1',
    metadata: {},
    status: 'Failure',
    message: `${what} "${name}" is invalid: ${bodies.length === 1 ? bodies[0] : `[${bodies.join(', ')}]`}`,
    reason: 'Invalid',
    details: { name, ...(group === '' ? {} : { group }), kind, causes: [...causes] },
    code: 422,
  };
}

/** Asserts a 422 with exactly these causes. */
export function expectInvalid(answer: RawResponse, kind: string, group: string, name: string, causes: readonly Cause[]): void {
  expect({ status: answer.status, body: answer.json() }).toEqual({ status: 422, body: invalidStatus(kind, group, name, causes) });
}

/**
 * Asserts the 400 of a body Go does not decode: `<Kind> in version "v1" cannot be handled as a
 * <Kind>: …` with Go's error in it (older servers' JSON decoder wraps it in its own context).
 */
export function expectUndecodable(answer: RawResponse, kind: string, goError: string): void {
  const body = answer.json<{ message: string; reason?: string; code?: number }>();
  expect({ status: answer.status, reason: body.reason, code: body.code }).toEqual({ status: 400, reason: 'BadRequest', code: 400 });
  expect(body.message.startsWith(`${kind} in version "v1" cannot be handled as a ${kind}: `)).toBe(true);
  expect(body.message).toContain(goError);
}

const cause = (reason: string, field: string, message: string): Cause => ({ reason, message, field });

/** `Required value` on a field. */
export const requiredCause = (field: string, detail = ''): Cause =>
  cause('FieldValueRequired', field, detail === '' ? 'Required value' : `Required value: ${detail}`);

/** `Invalid value: <shown>: <detail>` on a field (`shown` as Go prints the value: `"x"`, `0`, …). */
export const invalidCause = (field: string, shown: string, detail: string): Cause => cause('FieldValueInvalid', field, `Invalid value: ${shown}: ${detail}`);

/** `Unsupported value: "x": supported values: "a", "b"` on a field. */
export const unsupportedCause = (field: string, value: string, supported: readonly string[]): Cause =>
  cause(
    'FieldValueNotSupported',
    field,
    `Unsupported value: ${JSON.stringify(value)}: supported values: ${supported.map((s) => JSON.stringify(s)).join(', ')}`,
  );
