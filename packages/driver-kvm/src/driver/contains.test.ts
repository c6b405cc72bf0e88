import { describe, expect, it } from 'vitest';
import { contains } from './contains.js';

describe('contains', () => {
  it('accepts extra fields the server added', () => {
    expect(contains({ metadata: { name: 'a', uid: 'u' }, spec: { replicas: 1, paused: false } }, { metadata: { name: 'a' }, spec: { replicas: 1 } })).toBe(
      true,
    );
  });
  it('sees a changed scalar, a missing field and a changed type', () => {
    expect(contains({ spec: { replicas: 2 } }, { spec: { replicas: 1 } })).toBe(false);
    expect(contains({ spec: {} }, { spec: { replicas: 1 } })).toBe(false);
    expect(contains({ spec: { replicas: '1' } }, { spec: { replicas: 1 } })).toBe(false);
    expect(contains({ spec: [] }, { spec: { a: 1 } })).toBe(false);
  });
  it('compares arrays element by element and by length', () => {
    const desired = { ports: [{ port: 80 }, { port: 443 }] };
    expect(
      contains(
        {
          ports: [
            { port: 80, protocol: 'TCP' },
            { port: 443, protocol: 'TCP' },
          ],
        },
        desired,
      ),
    ).toBe(true);
    expect(contains({ ports: [{ port: 80 }] }, desired)).toBe(false);
    expect(contains({ ports: [{ port: 80 }, { port: 443 }, { port: 8080 }] }, desired)).toBe(false);
    expect(contains({ ports: [{ port: 443 }, { port: 80 }] }, desired)).toBe(false);
  });
  it('treats an undefined desired field as "anything" and null as a value', () => {
    expect(contains({ a: 1 }, { a: undefined })).toBe(true);
    expect(contains({ a: 1 }, { a: null })).toBe(false);
    expect(contains({ a: null }, { a: null })).toBe(true);
  });
});
