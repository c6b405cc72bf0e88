import { describe, expect, it } from 'vitest';
import { decodeObject } from './http-io.js';
import { decodeProtobuf, PROTOBUF_KINDS, PROTOBUF_MEDIA_TYPE } from './protobuf-decode.js';
import { kubeProtobufBody, type ProtoSpec, type ProtoValue } from './protobuf-spec.js';

const MAGIC = Buffer.from('k8s\0', 'latin1');
/** A map entry. */
const kv = (key: string, value: ProtoValue): ProtoSpec => ({ 1: key, 2: value });
/** ObjectMeta as gogo writes it: every non-pointer field, zero or not (creationTimestamp: an empty Time). */
const meta = (name: string, labels: ProtoSpec[] = []): ProtoSpec => ({ 1: name, 2: '', 3: '', 4: '', 5: '', 6: '', 7: 0, 8: {}, 11: labels });
const intOrString = (v: number | string): ProtoSpec => (typeof v === 'number' ? { 1: 0, 2: v } : { 1: 1, 3: v });
const M = { creationTimestamp: null };

/** A pod template as `kubectl create deployment` writes it (zero fields included). */
const container: ProtoSpec = {
  1: 'web',
  2: 'nginx:1.25',
  5: '',
  6: { 1: '', 2: 0, 3: 80, 4: '', 5: '' },
  7: { 1: 'A', 2: '1' },
  8: { 2: kv('cpu', { 1: '100m' }) },
  13: '',
  14: '',
  16: false,
  17: false,
  18: false,
  20: '',
};
const podTemplate: ProtoSpec = { 1: meta('', [kv('app', 'web')]), 2: { 2: container, 3: '', 11: false } };
const CONTAINER_JSON = {
  name: 'web',
  image: 'nginx:1.25',
  ports: [{ containerPort: 80 }],
  env: [{ name: 'A', value: '1' }],
  resources: { requests: { cpu: '100m' } },
};
const TEMPLATE_JSON = { metadata: { ...M, labels: { app: 'web' } }, spec: { containers: [CONTAINER_JSON] } };
const selector: ProtoSpec = { 1: kv('app', 'web') };
const roleRef: ProtoSpec = { 1: 'rbac.authorization.k8s.io', 2: 'Role', 3: 'reader' };
const ROLE_REF_JSON = { apiGroup: 'rbac.authorization.k8s.io', kind: 'Role', name: 'reader' };
const microTime: ProtoSpec = { 1: 1_700_000_000, 2: 123_456_789 };
const LB = { loadBalancer: {} };

/** Per kind: its apiVersion, its fields after metadata (2…), and its JSON besides apiVersion, kind and metadata. */
const KINDS: [kind: string, apiVersion: string, fields: ProtoSpec, json: object][] = [
  ['Namespace', 'v1', { 2: { 1: 'kubernetes' }, 3: { 1: '' } }, { spec: { finalizers: ['kubernetes'] }, status: {} }],
  ['ConfigMap', 'v1', { 2: kv('a', '1'), 3: kv('b', Buffer.from([0xff, 0])), 4: false }, { data: { a: '1' }, binaryData: { b: '/wA=' }, immutable: false }],
  ['Secret', 'v1', { 2: kv('password', Buffer.from([0xc3, 0x28])), 3: 'Opaque' }, { data: { password: 'wyg=' }, type: 'Opaque' }],
  [
    'Service',
    'v1',
    { 2: { 1: { 2: 'TCP', 3: 80, 4: intOrString('http') }, 4: 'ClusterIP' } },
    { spec: { ports: [{ protocol: 'TCP', port: 80, targetPort: 'http' }], type: 'ClusterIP' }, status: LB },
  ],
  ['ServiceAccount', 'v1', { 4: false }, { automountServiceAccountToken: false }],
  [
    'Deployment',
    'apps/v1',
    { 2: { 1: 0, 2: selector, 3: podTemplate, 4: { 1: '' }, 5: 0 } },
    { spec: { replicas: 0, selector: { matchLabels: { app: 'web' } }, template: TEMPLATE_JSON, strategy: {} }, status: {} },
  ],
  ['Job', 'batch/v1', { 2: { 6: podTemplate, 7: 2 } }, { spec: { template: TEMPLATE_JSON, backoffLimit: 2 }, status: {} }],
  [
    'CronJob',
    'batch/v1',
    { 2: { 1: '@daily', 5: { 2: { 6: podTemplate } } } },
    { spec: { schedule: '@daily', jobTemplate: { metadata: M, spec: { template: TEMPLATE_JSON } } }, status: {} },
  ],
  ['Role', 'rbac.authorization.k8s.io/v1', { 2: { 1: 'get', 2: '', 3: 'pods' } }, { rules: [{ verbs: ['get'], apiGroups: [''], resources: ['pods'] }] }],
  [
    'ClusterRole',
    'rbac.authorization.k8s.io/v1',
    { 3: { 1: selector } },
    { rules: null, aggregationRule: { clusterRoleSelectors: [{ matchLabels: { app: 'web' } }] } },
  ],
  [
    'RoleBinding',
    'rbac.authorization.k8s.io/v1',
    { 2: { 1: 'User', 2: 'rbac.authorization.k8s.io', 3: 'ann', 4: '' }, 3: roleRef },
    { subjects: [{ kind: 'User', apiGroup: 'rbac.authorization.k8s.io', name: 'ann' }], roleRef: ROLE_REF_JSON },
  ],
  ['ClusterRoleBinding', 'rbac.authorization.k8s.io/v1', { 3: roleRef }, { roleRef: ROLE_REF_JSON }],
  [
    'PodDisruptionBudget',
    'policy/v1',
    { 2: { 1: intOrString(1), 3: intOrString('50%') } },
    { spec: { minAvailable: 1, maxUnavailable: '50%' }, status: { disruptionsAllowed: 0, currentHealthy: 0, desiredHealthy: 0, expectedPods: 0 } },
  ],
  ['Ingress', 'networking.k8s.io/v1', { 2: { 3: { 1: 'x.io', 2: { 1: {} } } } }, { spec: { rules: [{ host: 'x.io', http: { paths: null } }] }, status: LB }],
  [
    'Eviction',
    'policy/v1',
    { 2: { 1: 0, 2: { 1: 'u-1' }, 5: 'All' } },
    { deleteOptions: { gracePeriodSeconds: 0, preconditions: { uid: 'u-1' }, dryRun: ['All'] } },
  ],
  ['Scale', 'autoscaling/v1', { 2: { 1: 3 }, 3: { 1: 0, 2: '' } }, { spec: { replicas: 3 }, status: { replicas: 0 } }],
  [
    'SelfSubjectAccessReview',
    'authorization.k8s.io/v1',
    { 2: { 2: { 1: '/healthz', 2: 'get' } } },
    { spec: { nonResourceAttributes: { path: '/healthz', verb: 'get' } }, status: { allowed: false } },
  ],
  [
    'SelfSubjectRulesReview',
    'authorization.k8s.io/v1',
    { 2: { 1: 'default' } },
    { spec: { namespace: 'default' }, status: { resourceRules: null, nonResourceRules: null, incomplete: false } },
  ],
  [
    'SelfSubjectReview',
    'authentication.k8s.io/v1',
    { 2: { 1: { 4: kv('scopes', { 1: ['a', 'b'] }) } } },
    { status: { userInfo: { extra: { scopes: ['a', 'b'] } } } },
  ],
  ['Lease', 'coordination.k8s.io/v1', { 2: { 1: 'me', 4: microTime } }, { spec: { holderIdentity: 'me', renewTime: '2023-11-14T22:13:20.123456Z' } }],
];

describe('decodeProtobuf', () => {
  it.each(KINDS)('decodes a %s (%s) into the JSON encoding/json writes of the Go object', (kind, apiVersion, fields, json) => {
    const expected = { apiVersion, kind, metadata: { name: 'web', ...M }, ...json };
    expect(decodeProtobuf(kubeProtobufBody(apiVersion, kind, { 1: meta('web'), ...fields }), kind)).toEqual({ kind: 'object', object: expected });
  });

  it('covers every kind it decodes but DeleteOptions (inside Eviction)', () => {
    expect(new Set(['DeleteOptions', ...KINDS.map(([kind]) => kind)])).toEqual(new Set(PROTOBUF_KINDS));
  });

  it('reads metav1.Time to the second, owner references and managed fields', () => {
    const owner: ProtoSpec = { 1: 'ReplicaSet', 3: 'rs', 4: 'u-1', 5: 'apps/v1', 6: true };
    const managed: ProtoSpec = { 1: 'kubectl', 2: 'Update', 4: microTime, 7: { 1: '{"f:data":{}}' } };
    expect(decodeProtobuf(kubeProtobufBody('v1', 'ConfigMap', { 1: { 1: 'web', 8: microTime, 13: owner, 17: managed } }), 'ConfigMap')).toMatchObject({
      object: {
        metadata: {
          creationTimestamp: '2023-11-14T22:13:20Z',
          ownerReferences: [{ kind: 'ReplicaSet', name: 'rs', uid: 'u-1', apiVersion: 'apps/v1', controller: true }],
          managedFields: [{ manager: 'kubectl', operation: 'Update', time: '2023-11-14T22:13:20Z', fieldsV1: { 'f:data': {} } }],
        },
      },
    });
  });

  it('refuses a field number its tables do not know, naming the message', () => {
    const withVolume = kubeProtobufBody('apps/v1', 'Deployment', { 1: meta('web'), 2: { 3: { 2: { 1: { 1: 'data' } } } } });
    expect(decodeProtobuf(withVolume, 'Deployment')).toEqual({
      kind: 'undecodable',
      bodyKind: 'Deployment',
      version: 'v1',
      why: 'field 1 of PodSpec is not modelled by the fake',
    });
  });

  it('defaults the kind from the endpoint and refuses kinds it does not decode', () => {
    expect(decodeProtobuf(kubeProtobufBody('', '', { 1: meta('web') }), 'ConfigMap')).toEqual({ kind: 'object', object: { metadata: { name: 'web', ...M } } });
    expect(decodeProtobuf(kubeProtobufBody('v1', 'TokenRequest', { 1: meta('web') }), 'TokenRequest')).toMatchObject({
      kind: 'undecodable',
      why: 'the fake does not decode protobuf bodies of kind TokenRequest',
    });
  });

  it.each([
    [Buffer.alloc(0), 'empty data'],
    [Buffer.from('{}'), 'provided data does not appear to be a protobuf message, expected prefix [107 56 115 0]'],
    [MAGIC, 'empty body'],
  ])('answers an unrecognized body as the protobuf serializer does (%#)', (data, why) => {
    expect(decodeProtobuf(data, 'ConfigMap')).toEqual({ kind: 'unrecognized', why });
  });
});

describe('decodeObject with a protobuf body', () => {
  const latin1 = (data: Buffer) => data.toString('latin1');

  it('takes the bytes readBody kept as latin1', () => {
    const secret = kubeProtobufBody('v1', 'Secret', { 1: meta('s'), 2: kv('k', Buffer.from([0x80, 0xff])) });
    expect(decodeObject(latin1(secret), `${PROTOBUF_MEDIA_TYPE}; charset=binary`, 'Secret')).toEqual({
      apiVersion: 'v1',
      kind: 'Secret',
      metadata: { name: 's', ...M },
      data: { k: 'gP8=' },
    });
  });

  it("words its 400s as kube-apiserver's transformDecodeError", () => {
    expect(() => decodeObject('{"a":1}', PROTOBUF_MEDIA_TYPE, 'ConfigMap')).toThrow(
      'the object provided is unrecognized (must be of type ConfigMap): provided data does not appear to be a protobuf message, expected prefix [107 56 115 0] ({"a":1})',
    );
    expect(() => decodeObject(latin1(kubeProtobufBody('v1', 'ConfigMap', { 9: 'x' })), PROTOBUF_MEDIA_TYPE, 'ConfigMap')).toThrow(
      'ConfigMap in version "v1" cannot be handled as a ConfigMap: field 9 of ConfigMap is not modelled by the fake',
    );
  });
});
