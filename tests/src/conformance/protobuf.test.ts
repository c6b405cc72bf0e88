/**
 * Kubernetes protobuf request bodies (`application/vnd.kubernetes.protobuf`), as client-go 1.32+
 * typed clients (kubectl 1.32's `create` generators, `auth can-i`, `auth whoami`) send them: the
 * server decodes them into the same objects as their JSON. Answers are read in JSON.
 */
import { kubeProtobufBody, type ProtoSpec } from '@kubeception/testing';
import { describe, expect, it } from 'vitest';
import { rawRequest } from './raw.js';
import { expectStatus, failure } from './status-body.js';
import { useTarget } from './target.js';

const { target, ns } = useTarget('protobuf');
const PROTOBUF = 'application/vnd.kubernetes.protobuf';
const post = (path: string, body: Buffer) => rawRequest(target().kubeConfig, 'POST', path, { body, contentType: PROTOBUF });
const get = (path: string) => rawRequest(target().kubeConfig, 'GET', path);

/** ObjectMeta as Go's generated code writes it (every non-pointer field, an empty creationTimestamp), labelled `app: <name>`. */
const meta = (name: string): ProtoSpec => ({ 1: name, 2: '', 3: '', 4: '', 5: '', 6: '', 7: 0, 8: {}, 11: { 1: 'app', 2: name } });

/** Posts `body` to the collection at `path`, expects 201, and that a read answers what the create did. */
async function created(path: string, name: string, body: Buffer): Promise<Record<string, unknown>> {
  const answer = await post(path, body);
  expect(answer.status, answer.body).toBe(201);
  expect((await get(`${path}/${name}`)).json()).toEqual(answer.json());
  return answer.json();
}

describe('a protobuf create body', () => {
  it('makes a ConfigMap and a Secret, bytes kept exactly', async () => {
    const binary = Buffer.from([0xff, 0x00, 0x80, 0xc3]);
    const configMap = kubeProtobufBody('v1', 'ConfigMap', { 1: meta('pb'), 2: { 1: 'a', 2: '1' }, 3: { 1: 'b', 2: binary } });
    expect(await created(`/api/v1/namespaces/${ns()}/configmaps`, 'pb', configMap)).toMatchObject({
      apiVersion: 'v1',
      kind: 'ConfigMap',
      metadata: { name: 'pb', namespace: ns(), labels: { app: 'pb' } },
      data: { a: '1' },
      binaryData: { b: binary.toString('base64') },
    });
    const secret = kubeProtobufBody('v1', 'Secret', { 1: meta('pb'), 2: { 1: 'key', 2: binary }, 3: '' });
    expect(await created(`/api/v1/namespaces/${ns()}/secrets`, 'pb', secret)).toMatchObject({ type: 'Opaque', data: { key: binary.toString('base64') } });
  });

  it('makes a Deployment as `kubectl create deployment` writes it, defaulted as its JSON would be', async () => {
    const port: ProtoSpec = { 1: '', 2: 0, 3: 80, 4: '', 5: '' };
    const container: ProtoSpec = { 1: 'nginx', 2: 'nginx:1.25', 5: '', 6: port, 8: {}, 13: '', 14: '', 16: false, 17: false, 18: false, 20: '' };
    const podSpec: ProtoSpec = { 2: container, 3: '', 6: '', 8: '', 9: '', 10: '', 11: false, 12: false, 13: false, 16: '', 17: '', 19: '', 24: '' };
    const spec: ProtoSpec = {
      1: 2,
      2: { 1: { 1: 'app', 2: 'web' } },
      3: { 1: { ...meta(''), 11: { 1: 'app', 2: 'web' } }, 2: podSpec },
      4: { 1: '' },
      5: 0,
      7: false,
    };
    const status: ProtoSpec = { 1: 0, 2: 0, 3: 0, 4: 0, 5: 0, 7: 0 };
    const deployment = await created(
      `/apis/apps/v1/namespaces/${ns()}/deployments`,
      'web',
      kubeProtobufBody('apps/v1', 'Deployment', { 1: meta('web'), 2: spec, 3: status }),
    );
    expect(deployment.spec).toEqual({
      replicas: 2,
      selector: { matchLabels: { app: 'web' } },
      template: {
        metadata: { creationTimestamp: null, labels: { app: 'web' } },
        spec: {
          containers: [
            {
              name: 'nginx',
              image: 'nginx:1.25',
              ports: [{ containerPort: 80, protocol: 'TCP' }],
              resources: {},
              terminationMessagePath: '/dev/termination-log',
              terminationMessagePolicy: 'File',
              imagePullPolicy: 'IfNotPresent',
            },
          ],
          restartPolicy: 'Always',
          terminationGracePeriodSeconds: 30,
          dnsPolicy: 'ClusterFirst',
          securityContext: {},
          schedulerName: 'default-scheduler',
        },
      },
      strategy: { type: 'RollingUpdate', rollingUpdate: { maxUnavailable: '25%', maxSurge: '25%' } },
      revisionHistoryLimit: 10,
      progressDeadlineSeconds: 600,
    });
  });

  it('answers 400 to a body without the protobuf magic', async () => {
    const answer = await post(`/api/v1/namespaces/${ns()}/configmaps`, Buffer.from('not protobuf'));
    const why = 'provided data does not appear to be a protobuf message, expected prefix [107 56 115 0]';
    expectStatus(
      answer,
      failure(400, 'BadRequest', `the object provided is unrecognized (must be of type ConfigMap): ${why} (${Buffer.from('not protobuf').toString('hex')})`),
    );
  });
});
