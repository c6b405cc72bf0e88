import { describe, expect, it } from 'vitest';
import { base64Error } from './go-base64.js';
import { MICRO_TIME_LAYOUT, parseGoTime, TIME_LAYOUT } from './go-time.js';

const parse = (layout: string, value: string): string => {
  try {
    return parseGoTime(layout as typeof TIME_LAYOUT, value);
  } catch (e) {
    return `error: ${(e as Error).message}`;
  }
};

describe('Go time.Parse of API timestamps', () => {
  it.each([
    [TIME_LAYOUT, '2024-01-01T00:00:00.5Z', '2024-01-01T00:00:00Z'],
    [TIME_LAYOUT, '2024-01-01T23:30:00-01:00', '2024-01-02T00:30:00Z'],
    [TIME_LAYOUT, '2024-02-30T00:00:00Z', 'error: parsing time "2024-02-30T00:00:00Z": day out of range'],
    [TIME_LAYOUT, '2024-13-01T00:00:00Z', 'error: parsing time "2024-13-01T00:00:00Z": month out of range'],
    [TIME_LAYOUT, '2024-01-01T00:00:00Zx', 'error: parsing time "2024-01-01T00:00:00Zx": extra text: "x"'],
    // the stored form answers itself; what JavaScript's Date would roll over still gets Go's error
    [TIME_LAYOUT, '2024-02-29T10:11:12Z', '2024-02-29T10:11:12Z'],
    [TIME_LAYOUT, '0000-01-01T00:00:00Z', '0000-01-01T00:00:00Z'],
    [TIME_LAYOUT, '2023-02-29T00:00:00Z', 'error: parsing time "2023-02-29T00:00:00Z": day out of range'],
    [TIME_LAYOUT, '2024-01-01T24:00:00Z', 'error: parsing time "2024-01-01T24:00:00Z": hour out of range'],
    [TIME_LAYOUT, '2024-01-01T00:00:60Z', 'error: parsing time "2024-01-01T00:00:60Z": second out of range'],
    [MICRO_TIME_LAYOUT, '2024-01-01T02:00:00.123456+02:00', '2024-01-01T00:00:00.123456Z'],
    [
      MICRO_TIME_LAYOUT,
      '2024-01-01T00:00:00.1234567Z',
      `error: parsing time "2024-01-01T00:00:00.1234567Z" as "${MICRO_TIME_LAYOUT}": cannot parse "7Z" as "Z07:00"`,
    ],
  ])('%s: %s → %s', (layout, value, expected) => {
    expect(parse(layout, value)).toBe(expected);
  });
});

describe('Go base64.StdEncoding errors', () => {
  it.each([
    ['eA==', undefined],
    ['eA==\n', undefined],
    ['!!!', 'illegal base64 data at input byte 0'],
    ['eA', 'illegal base64 data at input byte 0'],
    ['eHl6', undefined],
    ['eHl6e', 'illegal base64 data at input byte 4'],
    ['eA==eA==', 'illegal base64 data at input byte 4'],
  ])('%j → %s', (text, expected) => {
    expect(base64Error(text)).toBe(expected);
  });
});
