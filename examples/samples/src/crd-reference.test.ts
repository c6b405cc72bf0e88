import { existsSync, readFileSync } from 'node:fs';
import { kubeceptionCrds, type CustomResourceDefinition } from '@kubeception/sdk';
import { describe, expect, it } from 'vitest';
import { CRD_REFERENCE_FILE, crdFields, crdReference, referenceCrds, renderCrdReference, undocumentedFields } from './crd-reference.js';

describe('docs/crds.md', () => {
  it('describes every field of every CRD, with both providers', () => {
    const missing = undocumentedFields(referenceCrds());
    expect(missing, `${missing.length} fields have no description; add one at the schema (.meta({ description })):\n${missing.join('\n')}`).toEqual([]);
  });

  it('is up to date with the schemas', () => {
    const current = existsSync(CRD_REFERENCE_FILE) ? readFileSync(CRD_REFERENCE_FILE, 'utf8') : '(missing)';
    expect(current, 'docs/crds.md is stale: run `npm run docs:crds`').toBe(crdReference());
  });
});

describe('renderCrdReference', () => {
  const crds = referenceCrds();
  const text = renderCrdReference(crds, { providers: ['kvm', 'aws'] });
  const rowOf = (path: string) => text.split('\n').find((line) => line.startsWith(`| \`${path}\` |`));

  it('documents the CRDs the CLI prints, both providers included', () => {
    expect(crds.map((c) => c.spec.names.kind)).toEqual(['Cluster', 'CertificateAuthority', 'Certificate']);
    expect(rowOf('spec.provider.kvm')).toBeDefined();
    expect(rowOf('spec.provider.aws')).toBeDefined();
  });

  it('has one row per schema node, list elements and map values included', () => {
    const rows = text.split('\n').filter((line) => /^\| `[^`]+` \|/.test(line));
    expect(rows).toHaveLength(crds.reduce((n, crd) => n + crdFields(crd).length, 0));
    expect(rowOf('spec.workers[]')).toContain('A pool of identical worker nodes.');
    expect(rowOf('spec.workers[].labels{}')).toContain('maxLength: 63');
  });

  it('shows type, required, default, validation and description', () => {
    expect(rowOf('spec.masters.replicas')).toBe(
      '| `spec.masters.replicas` | integer |  | `1` | one of: `1`, `3`, `5` | Number of master nodes: 1, 3 or 5 (an odd etcd quorum). Defaults to 1. |',
    );
    expect(rowOf('spec.kubernetes.api.domain')).toContain('| `spec.kubernetes.api.domain` | string | yes |  | pattern: `^[a-z0-9]');
    expect(rowOf('spec.workers')).toContain('list type: map, keyed by `name`');
    expect(rowOf('spec.workers[].labels')).toContain('maxProperties: 64<br>CEL `self.all(k, k.matches(');
    expect(rowOf('status.conditions[].lastTransitionTime')).toContain('format: date-time');
  });

  it('keeps table cells intact: pipes escaped in code, HTML and emphasis characters in text', () => {
    expect(rowOf('spec.provider.aws.instances.master.ami')).toContain('`^ami-([0-9a-f]{8}\\|[0-9a-f]{17})$`');
    expect(rowOf('spec.ingress.domain')).toContain('\\*.&lt;domain&gt;');
  });

  it('lists names, scope, printer columns and whole-object rules per kind', () => {
    expect(text).toContain('| Short names | `kc` |');
    expect(text).toContain('| Scope | Namespaced |');
    expect(text).toContain('| Phase | string | `.status.phase` | Lifecycle phase of the cluster. |');
    expect(text).toContain('- CEL `!has(self.metadata.name) \\|\\| self.metadata.name.size() <= 40` (cluster name must be at most 40 characters)');
  });

  it('is deterministic', () => {
    expect(renderCrdReference(referenceCrds(), { providers: ['kvm', 'aws'] })).toBe(text);
  });

  it('reports fields without a description by kind and path', () => {
    const [bare] = kubeceptionCrds() as [CustomResourceDefinition];
    const schema = bare.spec.versions[0]!.schema.openAPIV3Schema;
    delete schema.properties!.spec!.properties!.paused!.description;
    expect(undocumentedFields([bare])).toEqual(['Cluster: spec.paused']);
  });
});
