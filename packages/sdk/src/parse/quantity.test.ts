import { describe, expect, it } from 'vitest';
import { formatBytes, parseQuantity } from './quantity.js';

describe('parseQuantity', () => {
  it.each([
    ['4Gi', 4 * 2 ** 30],
    ['512Mi', 512 * 2 ** 20],
    ['1G', 1e9],
    ['1.5Gi', 1.5 * 2 ** 30],
    ['100m', 0.1],
    ['1e3', 1000],
    ['2', 2],
    ['.5', 0.5],
    ['0', 0],
  ])('%s is %d', (text, value) => expect(parseQuantity(text)).toBeCloseTo(value));

  it.each(['4GB', '4gi', 'Gi', '', '4 Gi', 'lots', '1.2.3'])('rejects %j', (text) => expect(parseQuantity(text)).toBeUndefined());
});

describe('formatBytes', () => {
  it.each([
    [4 * 2 ** 30, '4Gi'],
    [1536 * 2 ** 20, '1536Mi'],
    [1000, '1000'],
  ])('%d is %s', (bytes, text) => expect(formatBytes(bytes)).toBe(text));
});
