import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { objectSchema, raw, testCrd } from './fixtures.js';
import { decodeOpenApiV2 } from './openapi-protobuf.js';
import { startFakeKube, type FakeKube } from './server.js';

const PROTOBUF = 'application/com.github.proto-openapi.spec.v2@v1.0+protobuf';
const gadgetSchema = {
  ...objectSchema({
    type: 'object',
    description: 'What the gadget should be.',
    properties: { size: { type: 'integer', description: 'How big.' }, port: { 'x-kubernetes-int-or-string': true }, blob: { type: 'object', nullable: true } },
  }),
  description: 'A gadget.',
};

describe('OpenAPI documents of the fake', () => {
  let kube: FakeKube;
  beforeAll(async () => {
    kube = await startFakeKube({ crds: [testCrd('Gadget', gadgetSchema)] });
  });
  afterAll(() => kube.stop());

  const fetchV2 = (accept: string, headers: Record<string, string> = {}) => fetch(`${kube.url}/openapi/v2`, { headers: { Accept: accept, ...headers } });

  it('publishes built-in kinds with their GVK, client-node structure and strategic-merge extensions', async () => {
    const { definitions } = (await raw(kube, 'GET', '/openapi/v2')).json;
    expect(definitions['io.k8s.api.core.v1.ConfigMap']).toMatchObject({
      properties: {
        data: { type: 'object', additionalProperties: { type: 'string' } },
        binaryData: { additionalProperties: { type: 'string', format: 'byte' } },
      },
      'x-kubernetes-group-version-kind': [{ group: '', kind: 'ConfigMap', version: 'v1' }],
    });
    expect(definitions['io.k8s.api.core.v1.PodSpec'].properties.containers).toEqual({
      description: expect.stringMatching(/^List of containers belonging to the pod\. /),
      type: 'array',
      items: { $ref: '#/definitions/io.k8s.api.core.v1.Container' },
      'x-kubernetes-patch-merge-key': 'name',
      'x-kubernetes-patch-strategy': 'merge',
    });
    expect(definitions['io.k8s.api.apps.v1.DeploymentSpec'].properties.template).toEqual({ $ref: '#/definitions/io.k8s.api.core.v1.PodTemplateSpec' });
    expect(definitions['io.k8s.api.core.v1.ResourceRequirements'].properties.limits.additionalProperties).toEqual({
      $ref: '#/definitions/io.k8s.apimachinery.pkg.api.resource.Quantity',
    });
    expect(definitions['io.k8s.apimachinery.pkg.apis.meta.v1.ObjectMeta'].properties.creationTimestamp).toEqual({
      description: expect.stringMatching(/^CreationTimestamp is a timestamp /),
      $ref: '#/definitions/io.k8s.apimachinery.pkg.apis.meta.v1.Time',
    });
  });

  it("publishes built-in kinds' descriptions and required fields as kube-apiserver does", async () => {
    const { definitions } = (await raw(kube, 'GET', '/openapi/v2')).json;
    const configMap = definitions['io.k8s.api.core.v1.ConfigMap'];
    expect(configMap.description).toBe('ConfigMap holds configuration data for pods to consume.');
    expect(configMap.properties.data.description).toBe(
      "Data contains the configuration data. Each key must consist of alphanumeric characters, '-', '_' or '.'. Values with non-UTF-8 byte sequences must use the BinaryData field. The keys stored in Data must not overlap with the keys in the BinaryData field, this is enforced during validation process.",
    );
    expect(configMap.required).toBeUndefined();
    expect(Object.keys(configMap).slice(0, 2)).toEqual(['description', 'type']);
    expect(definitions['io.k8s.api.core.v1.ConfigMapList'].required).toEqual(['items']);
    expect(definitions['io.k8s.api.apps.v1.Deployment'].required).toBeUndefined();
    expect(definitions['io.k8s.api.apps.v1.DeploymentSpec'].required).toEqual(['selector', 'template']);
    expect(definitions['io.k8s.apimachinery.pkg.apis.meta.v1.OwnerReference'].required).toEqual(['apiVersion', 'kind', 'name', 'uid']);
    // client-node's declarations give IntOrString fields the type's description, not the field's: none is published
    expect(definitions['io.k8s.api.apps.v1.RollingUpdateDeployment'].properties.maxSurge).toEqual({
      $ref: '#/definitions/io.k8s.apimachinery.pkg.util.intstr.IntOrString',
    });
    const lastUpdate = definitions['io.k8s.api.apps.v1.DeploymentCondition'].properties.lastUpdateTime;
    expect(lastUpdate).toEqual({ description: 'The last time this condition was updated.', $ref: '#/definitions/io.k8s.apimachinery.pkg.apis.meta.v1.Time' });
    const v3 = (await raw(kube, 'GET', '/openapi/v3/apis/apps/v1')).json.components.schemas;
    expect(v3['io.k8s.api.apps.v1.DeploymentCondition'].properties.lastUpdateTime).toEqual({
      allOf: [{ $ref: '#/components/schemas/io.k8s.apimachinery.pkg.apis.meta.v1.Time' }],
      description: 'The last time this condition was updated.',
    });
    expect(v3['io.k8s.api.apps.v1.RollingUpdateDeployment'].properties.maxSurge).toEqual({
      $ref: '#/components/schemas/io.k8s.apimachinery.pkg.util.intstr.IntOrString',
    });
    expect(v3['io.k8s.api.apps.v1.DeploymentSpec']).toMatchObject({
      description: expect.stringMatching(/^DeploymentSpec /),
      required: ['selector', 'template'],
    });
  });

  it('publishes a CRD from its structural schema, descriptions included, made v2-safe', async () => {
    const { definitions, paths } = (await raw(kube, 'GET', '/openapi/v2')).json;
    const gadget = definitions['com.example.v1.Gadget'];
    expect(gadget).toMatchObject({ description: 'A gadget.', 'x-kubernetes-group-version-kind': [{ group: 'example.com', kind: 'Gadget', version: 'v1' }] });
    expect(gadget.properties.spec.properties).toEqual({
      size: { type: 'integer', description: 'How big.' },
      port: { 'x-kubernetes-int-or-string': true },
      blob: {},
    });
    expect(gadget.properties.metadata.$ref).toBe('#/definitions/io.k8s.apimachinery.pkg.apis.meta.v1.ObjectMeta');
    expect(definitions['com.example.v1.GadgetList'].properties.items.items).toEqual({ $ref: '#/definitions/com.example.v1.Gadget' });
    const patch = paths['/apis/example.com/v1/namespaces/{namespace}/gadgets/{name}'].patch;
    expect(patch['x-kubernetes-group-version-kind']).toEqual({ group: 'example.com', kind: 'Gadget', version: 'v1' });
    expect(patch.parameters.map((p: { name: string }) => p.name)).toEqual(['body', 'dryRun', 'fieldManager', 'fieldValidation', 'force']);
  });

  it('negotiates JSON and the gnostic protobuf, with one ETag, 304 when it matches, 406 otherwise', async () => {
    const json = await fetchV2('application/json');
    expect(json.headers.get('content-type')).toBe('application/json');
    const etag = json.headers.get('etag') ?? '';
    expect(etag).toMatch(/^"[0-9A-F]{128}"$/);
    const doc = (await json.json()) as { definitions: Record<string, unknown> };
    const pb = await fetchV2(PROTOBUF);
    expect([pb.status, pb.headers.get('content-type'), pb.headers.get('etag')]).toEqual([
      200,
      'application/com.github.proto-openapi.spec.v2.v1.0+protobuf',
      etag,
    ]);
    const decoded = decodeOpenApiV2(Buffer.from(await pb.arrayBuffer())) as typeof doc;
    for (const name of ['io.k8s.api.core.v1.ConfigMap', 'io.k8s.api.apps.v1.DeploymentSpec']) expect(decoded.definitions[name]).toEqual(doc.definitions[name]);
    expect(decoded.definitions['com.example.v1.Gadget']).toEqual(doc.definitions['com.example.v1.Gadget']);
    expect((await fetchV2(PROTOBUF, { 'If-None-Match': etag })).status).toBe(304);
    const refused = await fetchV2('text/html');
    expect([refused.status, await refused.text()]).toEqual([406, '']);
  });

  it('publishes v3 components per group version, with v3 references and forms', async () => {
    const core = (await raw(kube, 'GET', '/openapi/v3/api/v1')).json;
    const schemas = core.components.schemas;
    expect(schemas['io.k8s.api.core.v1.ConfigMap'].properties.metadata).toEqual({
      $ref: '#/components/schemas/io.k8s.apimachinery.pkg.apis.meta.v1.ObjectMeta',
    });
    expect(schemas['io.k8s.apimachinery.pkg.apis.meta.v1.ObjectMeta']).toBeDefined();
    expect(schemas['io.k8s.api.apps.v1.Deployment']).toBeUndefined();
    const apps = (await raw(kube, 'GET', '/openapi/v3/apis/apps/v1')).json.components.schemas;
    expect(apps['io.k8s.apimachinery.pkg.util.intstr.IntOrString']).toEqual({ format: 'int-or-string', oneOf: [{ type: 'integer' }, { type: 'string' }] });
    const gadget = (await raw(kube, 'GET', '/openapi/v3/apis/example.com/v1')).json.components.schemas['com.example.v1.Gadget'];
    expect(gadget.properties.spec.properties.port).toEqual({ 'x-kubernetes-int-or-string': true, anyOf: [{ type: 'integer' }, { type: 'string' }] });
    expect(gadget.properties.spec.properties.blob).toEqual({ type: 'object', nullable: true });
    expect(gadget.properties.metadata.allOf).toEqual([{ $ref: '#/components/schemas/io.k8s.apimachinery.pkg.apis.meta.v1.ObjectMeta' }]);
  });

  it('rebuilds the documents when a CRD is installed, and only then', async () => {
    const before = (await fetchV2('application/json')).headers.get('etag');
    const index = (await raw(kube, 'GET', '/openapi/v3')).json.paths;
    expect((await fetchV2('application/json')).headers.get('etag')).toBe(before);
    const crd = testCrd('Gizmo', objectSchema({ type: 'object', properties: { color: { type: 'string' } } }));
    expect((await raw(kube, 'POST', '/apis/apiextensions.k8s.io/v1/customresourcedefinitions', crd)).status).toBe(201);
    const v2 = (await raw(kube, 'GET', '/openapi/v2')).json;
    expect(v2.definitions['com.example.v1.Gizmo'].properties.spec.properties.color).toEqual({ type: 'string' });
    const after = (await raw(kube, 'GET', '/openapi/v3')).json.paths;
    expect(after['apis/example.com/v1'].serverRelativeURL).not.toBe(index['apis/example.com/v1'].serverRelativeURL);
    expect(after['api/v1']).toEqual(index['api/v1']);
  });
});
