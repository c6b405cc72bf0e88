import { CertificateResource } from '@kubeception/sdk';
import { ConfigMapResource, CustomResourceDefinitionResource } from '@kubeception/sdk/kube';
import { beforeAll, describe, expect, it } from 'vitest';
import { parse as parseYaml } from 'yaml';
import { rawRequest, type RawRequest } from './raw.js';
import { expectStatus, failure } from './status-body.js';
import { certificate, useTarget } from './target.js';

const { target, resource, ns } = useTarget('negotiation');
const send = (method: string, path: string, request?: RawRequest) => rawRequest(target().kubeConfig, method, path, request);
const configMaps = () => `/api/v1/namespaces/${ns()}/configmaps`;
const certificates = () => `/apis/kubeception.io/v1alpha1/namespaces/${ns()}/certificates`;
const get = (path: string, accept: string) => send('GET', path, { accept });

const TABLE = 'application/json;as=Table;g=meta.k8s.io;v=v1';
const ACCEPTED = 'application/json, application/yaml, application/vnd.kubernetes.protobuf';
const NOT_ACCEPTABLE = failure(406, 'NotAcceptable', '406: Not Acceptable', {});

beforeAll(async () => {
  (
    await resource(ConfigMapResource).create({ metadata: { name: 'c1', namespace: ns() }, data: { a: '1', b: '2' }, binaryData: { c: 'AA==' } })
  )._unsafeUnwrap();
  (await resource(CertificateResource).create(certificate('cert', ns())))._unsafeUnwrap();
});

describe('Accept', () => {
  it.each([
    ['an object', '/c1'],
    ['a list', ''],
  ])('answers 406 from the router when no entry names a type it produces (%s)', async (_what, path) => {
    expectStatus(await get(`${configMaps()}${path}`, 'text/html'), NOT_ACCEPTABLE);
  });

  it('answers 406 from the router for a partial wildcard', async () => {
    expectStatus(await get(`${configMaps()}/c1`, 'application/*'), NOT_ACCEPTABLE);
  });

  it.each([
    ['an unknown rendering', 'application/json;as=Foo;g=meta.k8s.io;v=v1'],
    ['a Table of an unknown version', 'application/json;as=Table;g=meta.k8s.io;v=v2'],
  ])('answers 406 naming the accepted types for %s', async (_what, accept) => {
    expectStatus(await get(`${configMaps()}/c1`, accept), failure(406, 'NotAcceptable', `only the following media types are accepted: ${ACCEPTED}`));
  });

  it.each([
    ['a wildcard after an unknown type', 'text/html, */*', 'application/json'],
    ['YAML', 'application/yaml', 'application/yaml'],
    ['the higher quality (YAML)', 'application/json;q=0.5, application/yaml', 'application/yaml'],
    ['the higher quality (JSON)', 'application/yaml;q=0.5, application/json', 'application/json'],
  ])('answers %s as negotiated', async (_what, accept, contentType) => {
    const answer = await get(`${configMaps()}/c1`, accept);
    expect([answer.status, answer.headers['content-type']]).toEqual([200, contentType]);
    expect(parseYaml(answer.body)).toEqual((await get(`${configMaps()}/c1`, 'application/json')).json());
  });

  it('writes YAML with sorted keys', async () => {
    const answer = await get(configMaps(), 'application/yaml');
    expect(answer.body.split('\n').slice(0, 2)).toEqual(['apiVersion: v1', 'items:']);
    expect(parseYaml(answer.body)).toMatchObject({ kind: 'ConfigMapList', items: [{ metadata: { name: 'c1' }, data: { a: '1', b: '2' } }] });
  });

  it('writes an error Status in YAML when YAML is asked for', async () => {
    const answer = await get(`${configMaps()}/missing`, 'application/yaml');
    expect([answer.status, answer.headers['content-type']]).toEqual([404, 'application/yaml']);
    expect(parseYaml(answer.body)).toStrictEqual(failure(404, 'NotFound', 'configmaps "missing" not found', { name: 'missing', kind: 'configmaps' }));
  });
});

describe('Content-Type of a body', () => {
  const unknownFormat = failure(415, 'UnsupportedMediaType', `the body of the request was in an unknown format - accepted media types include: ${ACCEPTED}`);

  it.each([
    ['a create of a ConfigMap', 'POST', () => configMaps()],
    ['an update of a ConfigMap', 'PUT', () => `${configMaps()}/c1`],
    ['a create of a custom resource', 'POST', () => certificates()],
  ])('answers 415 for text/plain in %s', async (_what, method, path) => {
    expectStatus(await send(method, path(), { body: { metadata: { name: 'c1' } }, contentType: 'text/plain' }), unknownFormat);
  });

  it('takes YAML', async () => {
    const answer = await send('POST', configMaps(), { body: 'metadata:\n  name: from-yaml\ndata:\n  k: v\n', contentType: 'application/yaml' });
    expect(answer.status).toBe(201);
    expect(answer.json()).toMatchObject({ metadata: { name: 'from-yaml' }, data: { k: 'v' } });
  });

  it.each([
    ['ConfigMap', () => configMaps()],
    ['Certificate', () => certificates()],
  ])('answers 400 for a JSON body that is no object (%s)', async (kind, path) => {
    const why = `couldn't get version/kind; json parse error: json: cannot unmarshal array into Go value of type struct { APIVersion string "json:\\"apiVersion,omitempty\\""; Kind string "json:\\"kind,omitempty\\"" }`;
    const answer = await send('POST', path(), { body: '[1]' });
    expectStatus(answer, failure(400, 'BadRequest', `the object provided is unrecognized (must be of type ${kind}): ${why} (5b315d)`));
  });
});

interface Table {
  kind: string;
  columnDefinitions: { name: string; type: string; description: string }[];
  rows: { cells: unknown[]; object: Record<string, unknown> | null }[];
}

describe('Table', () => {
  const table = async (path: string) => {
    const answer = await get(path, TABLE);
    expect(answer.status).toBe(200);
    return answer.json<Table>();
  };

  it('renders ConfigMaps with Name, Data and Age, every column a string', async () => {
    const t = await table(configMaps());
    expect(t.columnDefinitions.map((c) => [c.name, c.type])).toEqual([
      ['Name', 'string'],
      ['Data', 'string'],
      ['Age', 'string'],
    ]);
    expect(t.rows.find((r) => r.cells[0] === 'c1')?.cells.slice(0, 2)).toEqual(['c1', 3]);
  });

  it.each([
    ['', { kind: 'PartialObjectMetadata', apiVersion: 'meta.k8s.io/v1' }],
    ['?includeObject=Object', { kind: 'ConfigMap', apiVersion: 'v1', data: { a: '1', b: '2' } }],
  ])('carries the object in each row as includeObject%s asks', async (query, object) => {
    const t = await table(`${configMaps()}/c1${query}`);
    expect(t.rows[0]?.object).toMatchObject({ ...object, metadata: { name: 'c1' } });
  });

  it('carries a null object with includeObject=None', async () => {
    expect((await table(`${configMaps()}/c1?includeObject=None`)).rows[0]?.object).toBeNull();
  });

  it('answers 400 for an unknown includeObject', async () => {
    const message = `Unable to convert to Table as requested: includeObject: Invalid value: "Foo": must be 'Metadata', 'Object', 'None', or empty`;
    expectStatus(await get(`${configMaps()}?includeObject=Foo`, TABLE), failure(400, 'BadRequest', message));
  });

  it("renders a custom resource with its CRD's printer columns, described by the CRD or by their path", async () => {
    const crd = (await resource(CustomResourceDefinitionResource).get('certificates.kubeception.io'))._unsafeUnwrap();
    const columns = (crd.spec.versions.find((v) => v.name === 'v1alpha1')?.additionalPrinterColumns ?? []).map((c) => [
      c.name,
      c.type,
      c.description ?? `Custom resource definition column (in JSONPath format): ${c.jsonPath}`,
    ]);
    const t = await table(certificates());
    expect(t.columnDefinitions.slice(1).map((c) => [c.name, c.type, c.description])).toEqual(columns);
    expect(columns.map(([name]) => name)).toEqual(['Cluster', 'Component', 'Ready', 'Expires', 'Age']);
    expect(t.rows[0]?.cells.slice(0, 5)).toEqual(['cert', 'demo', 'api', null, null]);
  });

  it('lists PartialObjectMetadata', async () => {
    const answer = await get(configMaps(), 'application/json;as=PartialObjectMetadataList;g=meta.k8s.io;v=v1');
    expect(answer.json()).toMatchObject({
      kind: 'PartialObjectMetadataList',
      apiVersion: 'meta.k8s.io/v1',
      items: expect.arrayContaining([{ kind: 'PartialObjectMetadata', apiVersion: 'meta.k8s.io/v1', metadata: expect.objectContaining({ name: 'c1' }) }]),
    });
  });
});
