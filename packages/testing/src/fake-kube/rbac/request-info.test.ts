/** Reading a request's authorization attributes from its method and URL, as kube-apiserver's `RequestInfoFactory` does. */
import { describe, expect, it } from 'vitest';
import { requestInfo } from './request-info.js';

/** What RBAC reads from request line `<METHOD> <url>`. */
const info = (line: string) => {
  const [method = '', url = ''] = line.split(' ');
  const parsed = new URL(url, 'http://fake');
  const { resourceRequest, verb, apiGroup, namespace, resource, subresource, name } = requestInfo(method, parsed.pathname, parsed.searchParams);
  return resourceRequest ? [verb, apiGroup, namespace, resource, subresource, name].join(' | ') : `${verb} path ${parsed.pathname}`;
};

/** Request lines, and what RBAC reads from them: `verb | group | namespace | resource | subresource | name`. */
const RESOURCE_REQUESTS: Record<string, string> = {
  'GET /api/v1/namespaces/ns/configmaps': 'list |  | ns | configmaps |  | ',
  'GET /api/v1/namespaces/ns/configmaps?watch=true': 'watch |  | ns | configmaps |  | ',
  'GET /api/v1/namespaces/ns/configmaps?watch=1': 'watch |  | ns | configmaps |  | ',
  'GET /api/v1/namespaces/ns/configmaps?fieldSelector=metadata.name%3Dcm': 'list |  | ns | configmaps |  | cm',
  'GET /api/v1/namespaces/ns/configmaps?fieldSelector=data%3Dx,metadata.name%3D%3Dcm': 'list |  | ns | configmaps |  | cm',
  'GET /api/v1/namespaces/ns/configmaps?fieldSelector=metadata.name!%3Dcm': 'list |  | ns | configmaps |  | ',
  'GET /api/v1/namespaces/ns/configmaps/cm': 'get |  | ns | configmaps |  | cm',
  'HEAD /api/v1/namespaces/ns/configmaps/cm': 'get |  | ns | configmaps |  | cm',
  'GET /api/v1/configmaps': 'list |  |  | configmaps |  | ',
  'POST /api/v1/namespaces/ns/configmaps': 'create |  | ns | configmaps |  | ',
  'PUT /apis/apps/v1/namespaces/ns/deployments/d/scale': 'update | apps | ns | deployments | scale | d',
  'PATCH /apis/kubeception.io/v1alpha1/namespaces/ns/clusters/c/status': 'patch | kubeception.io | ns | clusters | status | c',
  'DELETE /api/v1/namespaces/ns/pods/p': 'delete |  | ns | pods |  | p',
  'DELETE /api/v1/namespaces/ns/pods': 'deletecollection |  | ns | pods |  | ',
  'POST /api/v1/namespaces/ns/pods/p/eviction': 'create |  | ns | pods | eviction | p',
  'GET /api/v1/namespaces/ns': 'get |  | ns | namespaces |  | ns',
  'PUT /api/v1/namespaces/ns/finalize': 'update |  | ns | namespaces | finalize | ns',
  'GET /api/v1/namespaces': 'list |  |  | namespaces |  | ',
  'GET /api/v1/watch/namespaces/ns/pods': 'watch |  | ns | pods |  | ',
  'GET /api/v1/watch/namespaces/ns/pods/p': 'watch |  | ns | pods |  | p',
  'GET /api/v1/namespaces/ns/pods/p/proxy/a/b': 'get |  | ns | pods | proxy | p',
  'GET /api/v1/proxy/namespaces/ns/pods/p/a/b': 'proxy |  | ns | pods |  | p',
  'GET /apis/rbac.authorization.k8s.io/v1/clusterroles/x': 'get | rbac.authorization.k8s.io |  | clusterroles |  | x',
  'GET /api/v1/namespaces/ns/no-such-things/x': 'get |  | ns | no-such-things |  | x',
};

describe('requestInfo', () => {
  it.each(Object.entries(RESOURCE_REQUESTS))('%s: %s', (line, expected) => {
    expect(info(line)).toBe(expected);
  });

  it.each(['GET /api', 'GET /api/v1', 'GET /apis/apps/v1', 'GET /version', 'POST /metrics', 'GET /openapi/v2'])(
    '%s is a non-resource request, its verb the method',
    (line) => {
      const [method = '', url = ''] = line.split(' ');
      expect(info(line)).toBe(`${method.toLowerCase()} path ${url}`);
    },
  );
});
