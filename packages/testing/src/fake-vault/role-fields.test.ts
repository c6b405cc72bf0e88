import { describe, expect, it } from 'vitest';
import { boolField, durationField, intField, listField, readFields, strField } from './role-fields.js';

const FIELDS = {
  allowed: listField(['a']),
  orphan: boolField(false),
  uses: intField(0),
  suffix: strField(''),
  ttl: durationField(30, 'old_ttl'),
};

describe('readFields', () => {
  it('reads each field by its kind and takes fallbacks for the rest (a write that replaces)', () => {
    expect(readFields(FIELDS, { allowed: 'x, y', orphan: 'true', uses: '3', ttl: '1h' })).toEqual({
      allowed: ['x', 'y'],
      orphan: true,
      uses: 3,
      suffix: '',
      ttl: 3600,
    });
    expect(readFields(FIELDS, {})).toEqual({ allowed: ['a'], orphan: false, uses: 0, suffix: '', ttl: 30 });
  });

  it('keeps what the body does not give from an existing role (a write that merges)', () => {
    const existing = readFields(FIELDS, { allowed: ['p'], orphan: true, uses: 2, suffix: 's', ttl: 60 });
    expect(readFields(FIELDS, { uses: 5 }, existing)).toEqual({ allowed: ['p'], orphan: true, uses: 5, suffix: 's', ttl: 60 });
  });

  it('reads a duration under its alias when the body lacks its own key', () => {
    expect(readFields(FIELDS, { old_ttl: '2m' }).ttl).toBe(120);
    expect(readFields(FIELDS, { old_ttl: '2m', ttl: 10 }).ttl).toBe(10);
  });
});
