import { describe, expect, it } from 'vitest';
import { applyConfiguration } from './apply-configuration.js';
import { ApiError } from './status.js';

const refusal = (raw: string): string => {
  try {
    applyConfiguration(raw, 'v1', 'ConfigMap');
  } catch (e) {
    if (e instanceof ApiError) return `${e.status.code} ${e.status.message}`;
    throw e;
  }
  throw new Error('expected a refusal');
};

describe('applyConfiguration', () => {
  it('reads JSON and YAML alike', () => {
    const config = { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'a' }, data: { k: 'v' } };
    expect(applyConfiguration(JSON.stringify(config), 'v1', 'ConfigMap')).toEqual(config);
    expect(applyConfiguration('apiVersion: v1\nkind: ConfigMap\nmetadata: {name: a}\ndata:\n  k: v\n', 'v1', 'ConfigMap')).toEqual(config);
    expect(applyConfiguration('{apiVersion: v1, kind: ConfigMap}', 'v1', 'ConfigMap')).toEqual({ apiVersion: 'v1', kind: 'ConfigMap' });
  });

  it('refuses what is not YAML, not an object, or another kind with 400, in kube-apiserver’s words', () => {
    expect(refusal('{ "a": [ }')).toMatch(/^400 error decoding YAML: /);
    expect(refusal('[1, 2]')).toBe('400 error decoding YAML: the apply configuration is not an object');
    expect(refusal('{"apiVersion":"v1","kind":"Secret"}')).toBe('400 invalid object type: v1, Kind=Secret');
    expect(refusal('{"kind":"ConfigMap"}')).toBe('400 invalid object type: , Kind=ConfigMap');
  });
});
