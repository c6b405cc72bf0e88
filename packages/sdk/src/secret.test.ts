import { inspect } from 'node:util';
import { describe, expect, it } from 'vitest';
import { SecretValue } from './secret.js';

describe('SecretValue', () => {
  const key = new SecretValue('-----BEGIN PRIVATE KEY-----\nabc\n-----END PRIVATE KEY-----');
  it('reveals only on request', () => expect(key.reveal()).toContain('BEGIN PRIVATE KEY'));
  it('never prints through JSON, strings or inspect', () => {
    expect(JSON.stringify({ key })).toBe('{"key":"[redacted]"}');
    expect(`${key}`).toBe('[redacted]');
    expect(inspect({ key })).not.toContain('PRIVATE KEY');
  });
});
