import { describe, expect, it } from 'vitest';
import { dns1123LabelProblem, dns1123SubdomainProblem } from './names.js';

describe('DNS-1123 names', () => {
  it.each(['a', 'demo', 'my-cluster-1', '0a'])('%s is a label', (name) => expect(dns1123LabelProblem(name)).toBeUndefined());
  it.each(['', 'Demo', '-a', 'a-', 'a.b', 'a_b'])('%j is not a label', (name) => expect(dns1123LabelProblem(name)).toBeTypeOf('string'));
  it('enforces the length limit it is given', () => {
    expect(dns1123LabelProblem('a'.repeat(41), 40)).toBe('must be at most 40 characters (got 41)');
    expect(dns1123LabelProblem('a'.repeat(40), 40)).toBeUndefined();
  });
  it.each(['example.com', 'api.demo.k8s.example.com', 'a'])('%s is a subdomain', (name) => expect(dns1123SubdomainProblem(name)).toBeUndefined());
  it.each(['Example.com', 'a..b', '.a', 'a.'])('%j is not a subdomain', (name) => expect(dns1123SubdomainProblem(name)).toBeTypeOf('string'));
});
