import { Ajv } from 'ajv';
import { parseAllDocuments } from 'yaml';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import type { JSONSchemaProps } from './schema/openapi.js';
import { kubeceptionCrds, toYamlDocuments } from './crds.js';
import { defineProvider } from './provider.js';

const demoProvider = defineProvider({ name: 'demo', specSchema: z.strictObject({ size: z.int().min(1).default(3) }) });
const crds = [...kubeceptionCrds(), ...kubeceptionCrds({ providers: [demoProvider] })];
const ajv = new Ajv({ strict: false, validateFormats: false });

/** Visits every schema node with its path. */
function walk(node: JSONSchemaProps, path: string, visit: (node: JSONSchemaProps, path: string) => void): void {
  visit(node, path);
  for (const [name, child] of Object.entries(node.properties ?? {})) walk(child, `${path}.${name}`, visit);
  if (node.items) walk(node.items, `${path}[]`, visit);
  if (typeof node.additionalProperties === 'object') walk(node.additionalProperties, `${path}{}`, visit);
}

function nodesOf(crd: (typeof crds)[number]) {
  const nodes: [JSONSchemaProps, string][] = [];
  const root = crd.spec.versions[0]?.schema.openAPIV3Schema;
  if (root) walk(root, crd.spec.names.kind, (n, p) => nodes.push([n, p]));
  return nodes;
}

describe.each(crds.map((crd, i) => [`${crd.spec.names.kind}#${i}`, crd] as const))('%s CRD', (_name, crd) => {
  const nodes = nodesOf(crd);

  it('is structural: every node has a type or deliberately preserves unknown fields', () => {
    const untyped = nodes.filter(([n]) => n.type === undefined && n['x-kubernetes-preserve-unknown-fields'] !== true).map(([, p]) => p);
    expect(untyped).toEqual([]);
  });

  it('has no additionalProperties: false, and never properties together with additionalProperties', () => {
    expect(nodes.filter(([n]) => n.additionalProperties === false).map(([, p]) => p)).toEqual([]);
    expect(nodes.filter(([n]) => n.properties && n.additionalProperties).map(([, p]) => p)).toEqual([]);
  });

  it('uses no junctors (anyOf/oneOf/allOf/not) and no JSON Schema keywords Kubernetes rejects', () => {
    const forbidden = ['anyOf', 'oneOf', 'allOf', 'not', '$ref', 'const', 'definitions', '$defs', 'additionalItems', 'patternProperties', 'dependencies'];
    const bad = nodes.flatMap(([n, p]) =>
      Object.keys(n)
        .filter((k) => forbidden.includes(k))
        .map((k) => `${p}: ${k}`),
    );
    expect(bad).toEqual([]);
  });

  it('has defaults that are valid against their own schema', () => {
    const defaults = nodes.filter(([n]) => n.default !== undefined);
    for (const [node, path] of defaults) {
      const { default: value, ...schema } = node;
      const check = ajv.compile(schema);
      expect(check(structuredClone(value)), `${path}: ${JSON.stringify(check.errors)}`).toBe(true);
    }
  });

  it('uses only RE2-compatible patterns (no lookaround or backreferences)', () => {
    const patterns = nodes.filter(([n]) => n.pattern !== undefined).map(([n, p]) => [p, n.pattern ?? ''] as const);
    for (const [path, pattern] of patterns) expect(pattern, path).not.toMatch(/\(\?[=!<]|\\[1-9]/);
  });

  it('types integer enums as integers', () => {
    const enums = nodes.filter(([n]) => n.enum?.every(Number.isInteger));
    for (const [node, path] of enums) expect(node.type, path).toBe('integer');
  });

  it('keys map-lists by a required field', () => {
    for (const [node, path] of nodes.filter(([n]) => n['x-kubernetes-list-type'] === 'map')) {
      for (const key of node['x-kubernetes-list-map-keys'] ?? []) expect(node.items?.required, path).toContain(key);
    }
  });

  it('serves v1alpha1 with a status subresource, short names, category and printer columns', () => {
    const [version] = crd.spec.versions;
    expect(crd.spec.group).toBe('kubeception.io');
    expect(crd.metadata.name).toBe(`${crd.spec.names.plural}.kubeception.io`);
    expect(version).toMatchObject({ name: 'v1alpha1', served: true, storage: true, subresources: { status: {} } });
    expect(crd.spec.names.categories).toEqual(['kubeception']);
    expect(version?.additionalPrinterColumns?.at(-1)).toMatchObject({ name: 'Age', type: 'date', jsonPath: '.metadata.creationTimestamp' });
  });
});

describe('kubeceptionCrds', () => {
  it('returns exactly the three kinds with their short names and columns', () => {
    const summary = kubeceptionCrds().map((crd) => ({
      kind: crd.spec.names.kind,
      shortNames: crd.spec.names.shortNames,
      columns: crd.spec.versions[0]?.additionalPrinterColumns?.map((c) => c.name),
    }));
    expect(summary).toEqual([
      { kind: 'Cluster', shortNames: ['kc'], columns: ['Provider', 'Version', 'Phase', 'Ready', 'Age'] },
      { kind: 'CertificateAuthority', shortNames: ['kca'], columns: ['Cluster', 'Ready', 'Expires', 'Age'] },
      { kind: 'Certificate', shortNames: ['kcert'], columns: ['Cluster', 'Component', 'Ready', 'Expires', 'Age'] },
    ]);
  });

  it('puts registered providers under spec.provider with an exactly-one rule', () => {
    const [cluster] = kubeceptionCrds({ providers: [demoProvider] });
    const provider = cluster?.spec.versions[0]?.schema.openAPIV3Schema.properties?.spec?.properties?.provider;
    expect(provider?.properties?.demo?.properties?.size).toEqual({ type: 'integer', minimum: 1, default: 3 });
    expect(provider?.['x-kubernetes-validations']).toEqual([{ rule: '(has(self.demo) ? 1 : 0) == 1', message: 'exactly one provider must be set (demo)' }]);
  });

  it('describes every schema node (kubectl explain shows it) but the root metadata, which kube-apiserver describes itself', () => {
    const undescribed = kubeceptionCrds().flatMap((crd) =>
      nodesOf(crd)
        .filter(([n]) => !n.description)
        .map(([, p]) => p),
    );
    expect(undescribed).toEqual(kubeceptionCrds().map((crd) => `${crd.spec.names.kind}.metadata`));
    // a real server refuses a CRD whose root metadata schema says more than its type (the envtest lane checks it)
    expect(kubeceptionCrds().map((crd) => crd.spec.versions[0]?.schema.openAPIV3Schema.properties?.metadata)).toEqual(
      kubeceptionCrds().map(() => ({ type: 'object' })),
    );
  });

  it('states defaults in descriptions, except for objects whose fields carry them', () => {
    const [cluster] = kubeceptionCrds();
    const spec = cluster?.spec.versions[0]?.schema.openAPIV3Schema.properties?.spec?.properties;
    expect(spec?.kubernetes?.properties?.api?.properties?.securePort?.description).toMatch(/ Defaults to 443\.$/);
    expect(spec?.kubernetes?.properties?.dns?.properties?.clusterDomain?.description).toMatch(/ Defaults to "cluster\.local"\.$/);
    expect(spec?.workers?.description).toMatch(/ Defaults to an empty list\.$/);
    expect(spec?.certificates?.description).not.toContain('Defaults to');
  });

  it('keeps an open provider map when no provider is registered', () => {
    const [cluster] = kubeceptionCrds();
    const provider = cluster?.spec.versions[0]?.schema.openAPIV3Schema.properties?.spec?.properties?.provider;
    expect(provider).toMatchObject({ type: 'object', additionalProperties: { type: 'object', 'x-kubernetes-preserve-unknown-fields': true } });
  });

  it('prints as multi-document YAML that parses back to the same objects', () => {
    const docs = parseAllDocuments(toYamlDocuments(kubeceptionCrds()));
    expect(docs.map((d) => d.toJS())).toEqual(kubeceptionCrds());
  });
});
