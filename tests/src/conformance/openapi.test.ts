/**
 * OpenAPI v2 and v3: the documents kubectl reads to apply (strategic-merge extensions, GVKs, the
 * gnostic protobuf of v2) and to explain (definitions and their fields' descriptions, CRD schemas).
 * Built-in descriptions are compared exactly where upstream's text did not change since v1.20.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { appliesHere, VersionRules } from './lane/server.js';
import { rawRequest, type RawRequest } from './raw.js';
import { eventually, useTarget } from './target.js';

const { target } = useTarget('openapi');
const send = (method: string, path: string, request?: RawRequest) => rawRequest(target().kubeConfig, method, path, request);

type Schema = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any -- documents read back are plain wire JSON
const PROTOBUF = 'application/com.github.proto-openapi.spec.v2@v1.0+protobuf';
const GROUP = 'openapi.conformance.example.com';
const GADGET = 'com.example.conformance.openapi.v1.Gadget';
const gadgetCrd = {
  apiVersion: 'apiextensions.k8s.io/v1',
  kind: 'CustomResourceDefinition',
  metadata: { name: `gadgets.${GROUP}` },
  spec: {
    group: GROUP,
    names: { plural: 'gadgets', singular: 'gadget', kind: 'Gadget', listKind: 'GadgetList' },
    scope: 'Namespaced',
    versions: [
      {
        name: 'v1',
        served: true,
        storage: true,
        schema: {
          openAPIV3Schema: {
            type: 'object',
            description: 'A gadget.',
            required: ['spec'],
            properties: {
              spec: {
                type: 'object',
                description: 'What the gadget should be.',
                properties: {
                  size: { type: 'integer', description: 'How big.', minimum: 1 },
                  port: { 'x-kubernetes-int-or-string': true },
                  extra: { type: 'object', 'x-kubernetes-preserve-unknown-fields': true },
                },
              },
            },
          },
        },
      },
    ],
  },
};

let v2: { definitions: Record<string, Schema>; paths: Record<string, Schema> } | undefined;
/** The v2 document (JSON), read once the CRD is in it. */
const definitions = () => v2!.definitions;

beforeAll(async () => {
  expect((await send('POST', '/apis/apiextensions.k8s.io/v1/customresourcedefinitions', { body: gadgetCrd })).status).toBe(201);
  // kube-apiserver publishes a CRD's definitions asynchronously
  await eventually(
    async () => {
      v2 = (await send('GET', '/openapi/v2')).json();
      return v2?.definitions[GADGET] !== undefined;
    },
    30_000,
    'the CRD in /openapi/v2',
  );
});
afterAll(() => send('DELETE', `/apis/apiextensions.k8s.io/v1/customresourcedefinitions/gadgets.${GROUP}`));

describe('OpenAPI v2', () => {
  it('defines ConfigMap with its GVK, data as a string map and metadata as ObjectMeta', () => {
    expect(definitions()['io.k8s.api.core.v1.ConfigMap']).toMatchObject({
      type: 'object',
      properties: {
        data: { type: 'object', additionalProperties: { type: 'string' } },
        binaryData: { type: 'object', additionalProperties: { type: 'string', format: 'byte' } },
        immutable: { type: 'boolean' },
        metadata: { $ref: '#/definitions/io.k8s.apimachinery.pkg.apis.meta.v1.ObjectMeta' },
      },
      'x-kubernetes-group-version-kind': [{ group: '', kind: 'ConfigMap', version: 'v1' }],
    });
  });

  it('describes ConfigMap and its fields in upstream words, and lists the required fields of DeploymentSpec and ConfigMapList', () => {
    const configMap = definitions()['io.k8s.api.core.v1.ConfigMap']!;
    expect(configMap.description).toBe('ConfigMap holds configuration data for pods to consume.');
    expect(configMap.properties.data.description).toBe(
      "Data contains the configuration data. Each key must consist of alphanumeric characters, '-', '_' or '.'. Values with non-UTF-8 byte sequences must use the BinaryData field. The keys stored in Data must not overlap with the keys in the BinaryData field, this is enforced during validation process.",
    );
    expect(configMap.properties.apiVersion).toEqual({
      description:
        'APIVersion defines the versioned schema of this representation of an object. Servers should convert recognized schemas to the latest internal value, and may reject unrecognized values. More info: https://git.k8s.io/community/contributors/devel/sig-architecture/api-conventions.md#resources',
      type: 'string',
    });
    expect(configMap.required).toBeUndefined();
    expect(definitions()['io.k8s.api.core.v1.ConfigMapList']).toMatchObject({
      description: 'ConfigMapList is a resource containing a list of ConfigMap objects.',
      required: ['items'],
      properties: { items: { description: 'Items is the list of ConfigMaps.', type: 'array' } },
    });
    expect(definitions()['io.k8s.api.apps.v1.DeploymentSpec']).toMatchObject({
      description: 'DeploymentSpec is the specification of the desired behavior of the Deployment.',
      required: ['selector', 'template'],
    });
    expect(definitions()['io.k8s.api.apps.v1.DeploymentCondition']?.properties.lastUpdateTime).toEqual({
      description: 'The last time this condition was updated.',
      $ref: '#/definitions/io.k8s.apimachinery.pkg.apis.meta.v1.Time',
    });
  });

  it.each([
    ['io.k8s.api.core.v1.PodSpec', 'containers', { 'x-kubernetes-patch-merge-key': 'name', 'x-kubernetes-patch-strategy': 'merge' }],
    ['io.k8s.api.core.v1.PodSpec', 'volumes', { 'x-kubernetes-patch-merge-key': 'name', 'x-kubernetes-patch-strategy': 'merge,retainKeys' }],
    ['io.k8s.api.core.v1.Container', 'env', { 'x-kubernetes-patch-merge-key': 'name', 'x-kubernetes-patch-strategy': 'merge' }],
    [
      'io.k8s.api.core.v1.Container',
      'ports',
      {
        'x-kubernetes-list-map-keys': ['containerPort', 'protocol'],
        'x-kubernetes-list-type': 'map',
        'x-kubernetes-patch-merge-key': 'containerPort',
        'x-kubernetes-patch-strategy': 'merge',
      },
    ],
    ['io.k8s.api.apps.v1.DeploymentStatus', 'conditions', { 'x-kubernetes-patch-merge-key': 'type', 'x-kubernetes-patch-strategy': 'merge' }],
    ['io.k8s.apimachinery.pkg.apis.meta.v1.ObjectMeta', 'ownerReferences', { 'x-kubernetes-patch-merge-key': 'uid', 'x-kubernetes-patch-strategy': 'merge' }],
  ])('%s.%s carries the strategic-merge extensions kubectl apply reads', (definition, field, extensions) => {
    expect(definitions()[definition]?.properties[field]).toMatchObject({ type: 'array', ...extensions });
  });

  it('references shared types by their package: PodTemplateSpec is core/v1, LabelSelector meta/v1, maxSurge IntOrString', () => {
    expect(definitions()['io.k8s.api.apps.v1.DeploymentSpec']?.properties).toMatchObject({
      template: { $ref: '#/definitions/io.k8s.api.core.v1.PodTemplateSpec' },
      selector: { $ref: '#/definitions/io.k8s.apimachinery.pkg.apis.meta.v1.LabelSelector' },
    });
    expect(definitions()['io.k8s.api.apps.v1.RollingUpdateDeployment']?.properties.maxSurge).toMatchObject({
      $ref: '#/definitions/io.k8s.apimachinery.pkg.util.intstr.IntOrString',
    });
    expect(definitions()['io.k8s.apimachinery.pkg.util.intstr.IntOrString']).toMatchObject({ type: 'string', format: 'int-or-string' });
  });

  it('defines a CRD installed here from its schema, descriptions included, as kubectl can read it', () => {
    const gadget = definitions()[GADGET]!;
    expect(gadget).toMatchObject({ description: 'A gadget.', type: 'object', required: ['spec'] });
    expect(gadget['x-kubernetes-group-version-kind']).toEqual([{ group: GROUP, kind: 'Gadget', version: 'v1' }]);
    expect(gadget.properties.spec.properties).toEqual({
      size: { type: 'integer', description: 'How big.', minimum: 1 },
      port: { 'x-kubernetes-int-or-string': true },
      extra: { 'x-kubernetes-preserve-unknown-fields': true },
    });
    expect(Object.keys(gadget.properties).sort()).toEqual(['apiVersion', 'kind', 'metadata', 'spec']);
    expect(gadget.properties.metadata.$ref).toBe('#/definitions/io.k8s.apimachinery.pkg.apis.meta.v1.ObjectMeta');
    expect(definitions()[`${GADGET}List`]).toMatchObject({
      description: 'GadgetList is a list of Gadget',
      required: ['items'],
      properties: { items: { type: 'array', items: { $ref: `#/definitions/${GADGET}` } } },
      'x-kubernetes-group-version-kind': [{ group: GROUP, kind: 'GadgetList', version: 'v1' }],
    });
  });

  it('defines the Kubeception Cluster with its descriptions and required fields', () => {
    const cluster = definitions()['io.kubeception.v1alpha1.Cluster']!;
    expect(cluster.properties.spec).toMatchObject({ description: 'Desired state of a guest cluster.', type: 'object' });
    expect(cluster.properties.spec.required).toEqual(expect.arrayContaining(['provider', 'kubernetes', 'masters']));
  });

  it('publishes the PATCH operation of a kind with its GVK and the fieldValidation parameter', () => {
    const patch = v2!.paths['/api/v1/namespaces/{namespace}/configmaps/{name}']?.patch;
    expect(patch).toMatchObject({ operationId: 'patchCoreV1NamespacedConfigMap', 'x-kubernetes-action': 'patch' });
    expect(patch['x-kubernetes-group-version-kind']).toEqual({ group: '', kind: 'ConfigMap', version: 'v1' });
    expect(patch.consumes).toEqual(expect.arrayContaining(['application/strategic-merge-patch+json', 'application/apply-patch+yaml']));
    expect(patch.parameters.map((p: Schema) => p.name)).toEqual(expect.arrayContaining(['body', 'dryRun', 'fieldManager']));
  });

  it('serves the gnostic protobuf with an ETag (304 when it matches) and refuses text/html with an empty 406', async () => {
    const pb = await send('GET', '/openapi/v2', { accept: PROTOBUF });
    expect(pb.status).toBe(200);
    expect(pb.body.startsWith('\n\u00032.0\u0012')).toBe(true); // Document.swagger (1) = "2.0", then Document.info (2)
    const etag = String(pb.headers.etag);
    expect(etag).toMatch(/^"[0-9A-F]{128}"$/);
    expect((await send('GET', '/openapi/v2', { accept: PROTOBUF, headers: { 'If-None-Match': etag } })).status).toBe(304);
    const refused = await send('GET', '/openapi/v2', { accept: 'text/html' });
    expect([refused.status, refused.body]).toEqual([406, '']);
  });
});

describe('OpenAPI v3', () => {
  it('lists each group version with a hashed URL, or is not served before 1.24', async () => {
    const index = await send('GET', '/openapi/v3');
    if (appliesHere(VersionRules.openApiV3)) {
      expect(index.status).toBe(404);
      return;
    }
    expect(index.status).toBe(200);
    const paths = index.json<{ paths: Record<string, { serverRelativeURL: string }> }>().paths;
    expect(paths['api/v1']?.serverRelativeURL).toMatch(/^\/openapi\/v3\/api\/v1\?hash=[0-9A-F]{128}$/);
    expect(paths['apis/apps/v1']?.serverRelativeURL).toMatch(/^\/openapi\/v3\/apis\/apps\/v1\?hash=[0-9A-F]{128}$/);
  });

  it('defines ConfigMap in /openapi/v3/api/v1 components, with v3 references, or is not served before 1.24', async () => {
    const core = await send('GET', '/openapi/v3/api/v1');
    if (appliesHere(VersionRules.openApiV3)) {
      expect(core.status).toBe(404);
      return;
    }
    const schemas = core.json<{ components: { schemas: Record<string, Schema> } }>().components.schemas;
    expect(schemas['io.k8s.api.core.v1.ConfigMap']).toMatchObject({
      properties: { data: { type: 'object', additionalProperties: { type: 'string' } } },
      'x-kubernetes-group-version-kind': [{ group: '', kind: 'ConfigMap', version: 'v1' }],
    });
    expect(JSON.stringify(schemas['io.k8s.api.core.v1.ConfigMap']?.properties.metadata)).toContain(
      '"$ref":"#/components/schemas/io.k8s.apimachinery.pkg.apis.meta.v1.ObjectMeta"',
    );
    expect(schemas['io.k8s.apimachinery.pkg.apis.meta.v1.ObjectMeta']).toBeDefined();
  });

  it('defines the CRD installed here in its group version document, or is not served before 1.24', async () => {
    const doc = await send('GET', `/openapi/v3/apis/${GROUP}/v1`);
    if (appliesHere(VersionRules.openApiV3)) {
      expect(doc.status).toBe(404);
      return;
    }
    const gadget = doc.json<{ components: { schemas: Record<string, Schema> } }>().components.schemas[GADGET]!;
    expect(gadget).toMatchObject({ description: 'A gadget.', 'x-kubernetes-group-version-kind': [{ group: GROUP, kind: 'Gadget', version: 'v1' }] });
    expect(gadget.properties.spec.properties.port).toEqual({ 'x-kubernetes-int-or-string': true, anyOf: [{ type: 'integer' }, { type: 'string' }] });
    expect(gadget.properties.spec.properties.extra).toEqual({ type: 'object', 'x-kubernetes-preserve-unknown-fields': true });
  });
});
