import { describe, expect, it } from 'vitest';
import { errorChain, formatError } from './errors.js';

describe('formatError', () => {
  it('says every kind and message of the chain, not only the outer kind', () => {
    const error = {
      kind: 'ApplyFailed',
      cause: {
        kind: 'Driver',
        cause: { kind: 'Conflict', message: 'network 10.77.0.0/24 is held by default/holder', cause: new Error('409 from the API server') },
      },
    };
    expect(formatError(error)).toBe('ApplyFailed/Driver/Conflict/Error: network 10.77.0.0/24 is held by default/holder: 409 from the API server');
  });

  it('says a message once when a wrapper repeats its cause', () => {
    expect(formatError({ kind: 'Kube', message: 'secrets "x" not found', cause: { kind: 'NotFound', message: 'secrets "x" not found' } })).toBe(
      'Kube/NotFound: secrets "x" not found',
    );
  });

  it('handles plain values, cycles and nothing', () => {
    expect(formatError('boom')).toBe('boom');
    const cyclic: { kind: string; cause?: unknown } = { kind: 'Loop' };
    cyclic.cause = cyclic;
    expect(errorChain(cyclic)).toEqual([{ kind: 'Loop' }]);
    expect(formatError(undefined)).toBe('unknown error');
  });
});
