import { describe, expect, it } from 'vitest';
import { formatGoDuration, parseVaultDuration } from './duration.js';
import { VaultError } from './errors.js';

describe('parseVaultDuration (parseutil.ParseDurationSecond)', () => {
  it.each([
    [3600, 3600],
    [90.9, 90],
    ['45', 45],
    ['7d', 604_800],
    ['72h', 259_200],
    ['1h30m', 5400],
    ['1.5h', 5400],
    ['90s', 90],
    ['1500ms', 1],
    [undefined, undefined],
    [null, undefined],
    ['', undefined],
  ])('%j is %j seconds', (value, seconds) => {
    expect(parseVaultDuration(value)).toBe(seconds);
  });

  it.each(['1d12h', '1.5d', '10x', 'h', ' 72h', '-5m'])('refuses %j with a 400 naming the field', (value) => {
    expect(() => parseVaultDuration(value, 'max_ttl')).toThrow(
      expect.objectContaining({ status: 400, errors: [`error converting input ${value} for field "max_ttl": time: invalid duration "${value}"`] }),
    );
  });

  it('refuses a value that is neither a number nor a string', () => {
    expect(() => parseVaultDuration(true, 'ttl')).toThrow(VaultError);
  });
});

describe('formatGoDuration', () => {
  it.each([
    [0, '0s'],
    [45, '45s'],
    [1800, '30m0s'],
    [259_200, '72h0m0s'],
    [5430, '1h30m30s'],
  ])('%d s is %s', (seconds, text) => {
    expect(formatGoDuration(seconds)).toBe(text);
  });
});
