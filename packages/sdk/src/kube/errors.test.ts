import { ApiException } from '@kubernetes/client-node';
import { describe, expect, it } from 'vitest';
import { ignoreNotFound, isConflict, statusToKubeError, toKubeError } from './errors.js';

const status = (code: number, reason: string, message: string, details: object = {}) =>
  new ApiException(
    code,
    'Unsuccessful HTTP Request',
    JSON.stringify({ kind: 'Status', apiVersion: 'v1', status: 'Failure', message, reason, details, code }),
    {},
  );

describe('toKubeError', () => {
  it.each([
    [404, 'NotFound', 'NotFound', 'clusters.kubeception.io "demo" not found'],
    [409, 'AlreadyExists', 'AlreadyExists', 'clusters.kubeception.io "demo" already exists'],
    [
      409,
      'Conflict',
      'Conflict',
      'Operation cannot be fulfilled on clusters.kubeception.io "demo": the object has been modified; please apply your changes to the latest version and try again',
    ],
    [401, 'Unauthorized', 'Unauthorized', 'Unauthorized'],
    [403, 'Forbidden', 'Forbidden', 'clusters.kubeception.io is forbidden'],
    [410, 'Expired', 'Gone', 'too old resource version: 1 (42)'],
    [504, 'Timeout', 'Timeout', 'Timeout: request did not complete within requested timeout'],
    [500, 'InternalError', 'ServerError', 'Internal error occurred: boom'],
    [503, 'ServiceUnavailable', 'ServerError', 'the server is currently unable to handle the request'],
    [400, 'BadRequest', 'BadRequest', 'the body of the request was in an unknown format'],
  ])('maps %d %s to %s with the server message', (code, reason, kind, message) => {
    expect(toKubeError(status(code, reason, message))).toMatchObject({ kind, code, reason, message });
  });

  it('keeps the field causes of 422 Invalid', () => {
    const causes = [{ reason: 'FieldValueNotSupported', message: 'Unsupported value: 2: supported values: "1", "3", "5"', field: 'spec.masters.replicas' }];
    const error = toKubeError(status(422, 'Invalid', 'Cluster.kubeception.io "demo" is invalid: spec.masters.replicas: Unsupported value: 2', { causes }));
    expect(error).toMatchObject({ kind: 'Invalid', causes });
  });

  it('reads Retry-After from the header, else from the Status details', () => {
    const fromHeader = new ApiException(429, 'Too Many Requests', '{"kind":"Status","reason":"TooManyRequests","code":429}', { 'retry-after': '2' });
    expect(toKubeError(fromHeader)).toMatchObject({ kind: 'TooManyRequests', retryAfterMs: 2000 });
    expect(toKubeError(status(429, 'TooManyRequests', 'slow down', { retryAfterSeconds: 3 }))).toMatchObject({ retryAfterMs: 3000 });
    expect(toKubeError(status(429, 'TooManyRequests', 'slow down'))).not.toHaveProperty('retryAfterMs');
  });

  it('survives a body that is not a Status', () => {
    expect(toKubeError(new ApiException(502, 'Bad Gateway', '<html>bad gateway</html>', {}))).toMatchObject({ kind: 'ServerError', code: 502 });
  });

  it('maps a failed watch connection (status code only) by its code', () => {
    expect(toKubeError(Object.assign(new Error('Gone'), { statusCode: 410 }))).toMatchObject({ kind: 'Gone', code: 410 });
  });

  it('maps network failures to Transport with the system error code', () => {
    const failed = Object.assign(new TypeError('fetch failed'), { cause: { code: 'ECONNREFUSED', message: 'connect ECONNREFUSED 127.0.0.1:1' } });
    expect(toKubeError(failed)).toEqual({
      kind: 'Transport',
      code: 0,
      message: 'fetch failed: ECONNREFUSED (connect ECONNREFUSED 127.0.0.1:1)',
      cause: failed,
    });
    expect(toKubeError('weird')).toMatchObject({ kind: 'Transport', message: 'weird' });
  });

  it('maps a watch ERROR event Status', () => {
    expect(statusToKubeError({ kind: 'Status', code: 410, reason: 'Expired', message: 'too old resource version: 5 (90)' })).toMatchObject({ kind: 'Gone' });
  });
});

describe('helpers', () => {
  it('ignoreNotFound turns NotFound into ok(undefined) and keeps other errors', () => {
    expect(ignoreNotFound(toKubeError(status(404, 'NotFound', 'x'))).isOk()).toBe(true);
    expect(ignoreNotFound(toKubeError(status(409, 'Conflict', 'x'))).isErr()).toBe(true);
  });

  it('isConflict does not count AlreadyExists', () => {
    expect(isConflict(toKubeError(status(409, 'Conflict', 'x')))).toBe(true);
    expect(isConflict(toKubeError(status(409, 'AlreadyExists', 'x')))).toBe(false);
  });
});
