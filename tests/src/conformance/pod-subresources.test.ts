/**
 * A pod's `log`, `exec`, `attach` and `portforward` where no kubelet answers: the real server of
 * the lane has no scheduler and no kubelet, so its pods stay Pending, and a pod bound to a node
 * by `spec.nodeName` makes it look the node up and dial the kubelet at the node's address. What
 * kube-apiserver answers before it would stream (pkg/registry/core/pod/strategy.go,
 * pkg/registry/core/pod/rest/log.go): the container checks, the missing host, the missing node,
 * a node without an address, a refused connection (127.0.0.1 port 1), the log options, and the
 * methods each subresource serves.
 */
import { NodeResource, PodResource } from '@kubeception/sdk/kube';
import { beforeAll, describe, expect, it, onTestFinished } from 'vitest';
import { rawRequest } from './raw.js';
import { expectStatus, failure, invalidStatus } from './status-body.js';
import { useTarget } from './target.js';

const { target, resource, ns } = useTarget('pod-subresources');

const send = (method: string, path: string) => rawRequest(target().kubeConfig, method, path);
/** The path of a subresource of pod `name` in the file's namespace. */
const pod = (name: string, subresource: string) => `/api/v1/namespaces/${ns()}/pods/${name}/${subresource}`;
const badRequest = (message: string) => failure(400, 'BadRequest', message);
/** What kube-apiserver makes of an error that is no API error (a dial, a node without address). */
const serverError = (message: string) => failure(500, undefined, message);

const container = (name: string) => ({ name, image: 'busybox' });
/** A node name no other file uses. */
const nodeName = () => `${ns()}-node`;

beforeAll(async () => {
  const pods = resource(PodResource);
  const create = async (name: string, spec: object) => (await pods.create({ metadata: { name, namespace: ns() }, spec } as never))._unsafeUnwrap();
  await create('one', { containers: [container('main')] });
  await create('two', { initContainers: [container('init')], containers: [container('a'), container('b')] });
  await create('bound', { nodeName: nodeName(), containers: [container('main')] });
});

describe('a pod no node runs', () => {
  it('has no logs yet: 204 No Content, an empty body', async () => {
    const answer = await send('GET', pod('one', 'log'));
    expect({ status: answer.status, body: answer.body }).toEqual({ status: 204, body: '' });
  });

  it.each(['exec', 'attach', 'portforward'])('has nothing to %s: 400, the pod has no host', async (subresource) => {
    expectStatus(await send('POST', pod('one', subresource)), badRequest('pod one does not have a host assigned'));
  });

  it.each(['log', 'exec', 'attach'])('with several containers, %s needs one named: 400 listing init and regular containers', async (subresource) => {
    expectStatus(await send('GET', pod('two', subresource)), badRequest('a container name must be specified for pod two, choose one of: [init a b]'));
  });

  it('a container name the pod does not have is a 400, also before the missing host; an init container is one it has', async () => {
    expectStatus(await send('GET', `${pod('two', 'log')}?container=zz`), badRequest('container zz is not valid for pod two'));
    expectStatus(await send('POST', `${pod('two', 'exec')}?container=zz&command=true`), badRequest('container zz is not valid for pod two'));
    expect((await send('GET', `${pod('two', 'log')}?container=init`)).status).toBe(204);
    expectStatus(await send('POST', `${pod('two', 'attach')}?container=a`), badRequest('pod two does not have a host assigned'));
  });

  it('portforward names no container: the missing host is all it says', async () => {
    expectStatus(await send('GET', pod('two', 'portforward')), badRequest('pod two does not have a host assigned'));
  });
});

describe('any pod', () => {
  it.each(['log', 'exec', 'attach', 'portforward'])('%s of a pod that does not exist is a 404 naming the pod', async (subresource) => {
    expectStatus(await send('GET', pod('nope', subresource)), failure(404, 'NotFound', 'pods "nope" not found', { name: 'nope', kind: 'pods' }));
  });

  it('log serves GET only, the streams GET and POST: 405 otherwise', async () => {
    const refused = failure(405, 'MethodNotAllowed', 'the server does not allow this method on the requested resource', {});
    expectStatus(await send('POST', pod('one', 'log')), refused);
    expectStatus(await send('PUT', pod('one', 'exec')), refused);
    expectStatus(await send('DELETE', pod('one', 'portforward')), refused);
    expectStatus(await send('GET', pod('one', 'exec')), badRequest('pod one does not have a host assigned'));
  });

  it('log options are checked before the pod is looked up: 422 PodLogOptions, 400 for a number that does not parse', async () => {
    const invalid = (name: string, causes: { reason: string; message: string; field: string }[]) => invalidStatus({ kind: 'PodLogOptions' }, name, causes);
    expectStatus(
      await send('GET', `${pod('nope', 'log')}?tailLines=-1`),
      invalid('nope', [{ reason: 'FieldValueInvalid', message: 'Invalid value: -1: must be greater than or equal to 0', field: 'tailLines' }]),
    );
    expectStatus(
      await send('GET', `${pod('one', 'log')}?sinceSeconds=0`),
      invalid('one', [{ reason: 'FieldValueInvalid', message: 'Invalid value: 0: must be greater than 0', field: 'sinceSeconds' }]),
    );
    expectStatus(
      await send('GET', `${pod('one', 'log')}?limitBytes=0&sinceSeconds=1&sinceTime=2020-01-01T00:00:00Z`),
      invalid('one', [
        { reason: 'FieldValueInvalid', message: 'Invalid value: 0: must be greater than 0', field: 'limitBytes' },
        { reason: 'FieldValueForbidden', message: 'Forbidden: at most one of `sinceTime` or `sinceSeconds` may be specified', field: '[]' },
      ]),
    );
    expectStatus(await send('GET', `${pod('one', 'log')}?tailLines=x`), badRequest('strconv.ParseInt: parsing "x": invalid syntax'));
  });

  it('discovery lists the four with their kinds and verbs', async () => {
    const resources = (await send('GET', '/api/v1')).json<{ resources: { name: string }[] }>().resources;
    const listed = resources.filter((r) => ['pods/attach', 'pods/exec', 'pods/log', 'pods/portforward'].includes(r.name));
    const entry = (name: string, kind: string, verbs: string[]) => ({ name, singularName: '', namespaced: true, kind, verbs });
    expect(listed).toEqual([
      entry('pods/attach', 'PodAttachOptions', ['create', 'get']),
      entry('pods/exec', 'PodExecOptions', ['create', 'get']),
      entry('pods/log', 'Pod', ['get']),
      entry('pods/portforward', 'PodPortForwardOptions', ['create', 'get']),
    ]);
  });
});

describe('a pod bound to a node', () => {
  /** Sets the node's addresses and kubelet port through its status. */
  const nodeStatus = async (status: object) => {
    const patched = await rawRequest(target().kubeConfig, 'PATCH', `/api/v1/nodes/${nodeName()}/status`, {
      body: { status },
      contentType: 'application/merge-patch+json',
    });
    expect(patched.status).toBe(200);
  };

  it('whose node does not exist: 404, worded as the pods resource (the node is read in the pod request)', async () => {
    const missing = failure(404, 'NotFound', `pods "${nodeName()}" not found`, { name: nodeName(), kind: 'pods' });
    expectStatus(await send('GET', pod('bound', 'log')), missing);
    expectStatus(await send('POST', pod('bound', 'exec')), missing);
  });

  it('on a node without an address, or whose kubelet refuses the connection: 500 without a reason', async () => {
    (await resource(NodeResource).create({ metadata: { name: nodeName() } } as never))._unsafeUnwrap();
    onTestFinished(async () => void (await resource(NodeResource).delete(nodeName())));
    expectStatus(await send('GET', pod('bound', 'log')), serverError('no preferred addresses found; known addresses: []'));
    await nodeStatus({ addresses: [{ type: 'InternalIP', address: '127.0.0.1' }], daemonEndpoints: { kubeletEndpoint: { Port: 1 } } });
    const refused = 'dial tcp 127.0.0.1:1: connect: connection refused';
    const logs = `https://127.0.0.1:1/containerLogs/${ns()}/bound/main`;
    expectStatus(await send('GET', pod('bound', 'log')), serverError(`Get "${logs}": ${refused}`));
    expectStatus(
      await send('GET', `${pod('bound', 'log')}?tailLines=3&follow=true&timestamps=0`),
      serverError(`Get "${logs}?follow=true&tailLines=3": ${refused}`),
    );
    // without `Connection: Upgrade` a stream goes no further
    expectStatus(await send('POST', `${pod('bound', 'exec')}?command=true&stdout=true`), badRequest('Upgrade request required'));
    expectStatus(await send('POST', pod('bound', 'portforward')), badRequest('Upgrade request required'));
  });
});
