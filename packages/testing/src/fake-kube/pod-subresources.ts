/**
 * The streaming subresources of pods — `log`, `exec`, `attach`, `portforward` — answered as
 * kube-apiserver answers them (pkg/registry/core/pod/strategy.go `LogLocation`, `streamLocation`,
 * `PortForwardLocation`, `validateContainer`; pkg/registry/core/pod/rest/log.go and
 * subresources.go; pkg/kubelet/client/kubelet_client.go `GetConnectionInfo`) up to the point where
 * it would connect to the pod's kubelet:
 * - the pod must exist (404); `log`, `exec` and `attach` need a container: named by `container`
 *   (400 `container x is not valid for pod p` unless an init, regular or ephemeral container has
 *   that name), or the pod's only container (400 `a container name must be specified for pod p,
 *   choose one of: [init a b]`);
 * - a pod not bound to a node has no logs (204 No Content) and nothing to stream (400 `pod p does
 *   not have a host assigned`);
 * - the node must exist (404 `pods "<node>" not found`: kube-apiserver reads the node in the pod
 *   request's context, so the error names the pods resource) and have an address of a type
 *   kube-apiserver prefers (500 `no preferred addresses found; known addresses: [...]`);
 * - `exec`, `attach` and `portforward` must be upgrade requests (400 `Upgrade request required`).
 *
 * **Not modelled: the kubelet.** The fake never dials one. Where kube-apiserver would connect to
 * the node's kubelet (its preferred address, the port of `status.daemonEndpoints.kubeletEndpoint`
 * or 10250), the fake answers as kube-apiserver does when the connection is refused: 500
 * `Get "https://<host>:<port>/containerLogs/<ns>/<pod>/<container>?…": dial tcp <host>:<port>:
 * connect: connection refused` for logs, 500 `error dialing backend: …` for the streams (also
 * for a host name, which the real server would first resolve). The simulated host's kubelet does
 * not serve logs or streams.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { KubeApi } from './kube-api.js';
import { podLogOptions } from './pod-log-options.js';
import type { ResourceRoute } from './router.js';
import { ApiError, badRequest, methodNotAllowed, notFound } from './status.js';
import { isObject, type JsonObject, type StoredObject } from './types.js';

const SUBRESOURCES = new Set(['log', 'exec', 'attach', 'portforward']);

/** kube-apiserver's default `--kubelet-preferred-address-types`, and the kubelet's default port. */
const PREFERRED_ADDRESS_TYPES = ['Hostname', 'InternalDNS', 'InternalIP', 'ExternalDNS', 'ExternalIP'];
const KUBELET_PORT = 10250;

/** Whether a request is for a pod's log or one of its streams. */
export const isPodStream = (r: ResourceRoute): boolean => r.rt.key === '/pods' && r.name !== undefined && SUBRESOURCES.has(r.subresource);

/** A Status kube-apiserver makes of an error that is no API error: code 500, no reason. */
const plainError = (message: string) => new ApiError({ kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Failure', message, code: 500 });

const list = (v: unknown): JsonObject[] => (Array.isArray(v) ? v.filter(isObject) : []);
const str = (v: unknown): string => (typeof v === 'string' ? v : '');

/** `validateContainer`: the container a request names, or the pod's only one. */
function containerOf(pod: StoredObject, asked: string): string {
  const spec = isObject(pod.spec) ? pod.spec : {};
  const containers = list(spec.containers);
  const names = [...list(spec.initContainers), ...containers, ...list(spec.ephemeralContainers)].map((c) => str(c.name));
  const podName = pod.metadata.name;
  if (asked !== '') {
    if (!names.includes(asked)) throw badRequest(`container ${asked} is not valid for pod ${podName}`);
    return asked;
  }
  if (containers.length === 1) return str(containers[0]?.name);
  if (containers.length === 0) throw badRequest(`a container name must be specified for pod ${podName}`);
  throw badRequest(`a container name must be specified for pod ${podName}, choose one of: [${names.join(' ')}]`);
}

/** `GetConnectionInfo`: `host:port` of the kubelet of node `nodeName`. */
function kubeletOf(api: KubeApi, pods: ResourceRoute['rt'], nodeName: string): string {
  const node = api.store.get('/nodes', '', nodeName);
  if (node === undefined) throw notFound(pods, nodeName);
  const status = isObject(node.status) ? node.status : {};
  const addresses = list(status.addresses);
  const host = PREFERRED_ADDRESS_TYPES.map((type) => addresses.find((a) => a.type === type)).find((a) => a !== undefined)?.address;
  if (host === undefined)
    throw plainError(`no preferred addresses found; known addresses: [${addresses.map((a) => `{${str(a.type)} ${str(a.address)}}`).join(' ')}]`);
  const endpoints = isObject(status.daemonEndpoints) && isObject(status.daemonEndpoints.kubeletEndpoint) ? status.daemonEndpoints.kubeletEndpoint : {};
  const port = typeof endpoints.Port === 'number' && endpoints.Port > 0 ? endpoints.Port : KUBELET_PORT;
  const name = str(host);
  return `${name.includes(':') ? `[${name}]` : name}:${port}`;
}

/** Whether a request asks to upgrade its connection (`Connection: Upgrade`), as `httpstream.IsUpgradeRequest` reads it. */
const isUpgrade = (req: IncomingMessage) => (req.headers.connection ?? '').split(',').some((token) => token.trim().toLowerCase() === 'upgrade');

/** Answers a pod's `log`, `exec`, `attach` or `portforward`; returns the status sent (or throws the error answered). */
export function answerPodStream(api: KubeApi, r: ResourceRoute, req: IncomingMessage, res: ServerResponse, query: URLSearchParams): number {
  const method = req.method ?? 'GET';
  const name = r.name ?? '';
  const log = r.subresource === 'log';
  if (log ? method !== 'GET' : method !== 'GET' && method !== 'POST') throw methodNotAllowed();
  const options = log ? podLogOptions(name, query) : undefined;
  const pod = api.store.get(r.rt.key, r.namespace ?? '', name);
  if (pod === undefined) throw notFound(r.rt, name);
  const container = r.subresource === 'portforward' ? '' : containerOf(pod, options?.container ?? query.get('container') ?? '');
  const nodeName = isObject(pod.spec) ? str(pod.spec.nodeName) : '';
  if (nodeName === '' && log) {
    res.writeHead(204, { 'Cache-Control': 'no-cache, private' });
    res.end();
    return 204;
  }
  if (nodeName === '') throw badRequest(`pod ${name} does not have a host assigned`);
  const kubelet = kubeletOf(api, r.rt, nodeName);
  const refused = `dial tcp ${kubelet}: connect: connection refused`;
  if (options !== undefined) {
    const url = `https://${kubelet}/containerLogs/${pod.metadata.namespace ?? ''}/${name}/${container}`;
    throw plainError(`Get "${options.kubeletQuery === '' ? url : `${url}?${options.kubeletQuery}`}": ${refused}`);
  }
  if (!isUpgrade(req)) throw badRequest('Upgrade request required');
  throw plainError(`error dialing backend: ${refused}`);
}
