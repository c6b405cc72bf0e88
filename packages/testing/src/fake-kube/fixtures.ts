/* eslint-disable @typescript-eslint/no-explicit-any -- assertions on untyped wire JSON */
/** Objects and helpers shared by this package's tests (internal, not exported). */
import { execFile, spawnSync } from 'node:child_process';
import https from 'node:https';
import { promisify } from 'node:util';
import { kubeceptionCrds } from '@kubeception/sdk';
import {
  ApiException,
  AppsV1Api,
  CoreV1Api,
  CustomObjectsApi,
  KubeConfig,
  KubernetesObjectApi,
  PolicyV1Api,
  type PatchStrategy,
} from '@kubernetes/client-node';
import { startFakeKube, type FakeKube, type FakeKubeOptions } from './server.js';

/** A valid Cluster in `namespace`. */
export function sampleCluster(name = 'demo', namespace = 'default'): Record<string, unknown> & { metadata: { name: string; namespace: string } } {
  return {
    apiVersion: 'kubeception.io/v1alpha1',
    kind: 'Cluster',
    metadata: { name, namespace },
    spec: {
      provider: { kvm: {} },
      kubernetes: { version: '1.32.5', api: { domain: `api.${name}.example.com` } },
      ingress: { domain: `${name}.example.com` },
      network: { podCIDR: '10.2.0.0/16' },
      masters: { replicas: 1, cpus: 2, memory: '4Gi', disk: '20Gi' },
    },
  };
}

/** A fake and client-node clients of it, made from its kubeconfig. */
export interface FakeKubeClients {
  readonly kube: FakeKube;
  readonly objects: KubernetesObjectApi;
  readonly core: CoreV1Api;
  readonly apps: AppsV1Api;
  readonly custom: CustomObjectsApi;
  readonly policy: PolicyV1Api;
}

/** Starts a fake (with `options`, as `startFakeKube` takes them) and makes clients of it. */
export async function startWithClients(options: FakeKubeOptions = {}): Promise<FakeKubeClients> {
  const kube = await startFakeKube(options);
  const config = kube.kubeConfig;
  return {
    kube,
    objects: KubernetesObjectApi.makeApiClient(config),
    core: config.makeApiClient(CoreV1Api),
    apps: config.makeApiClient(AppsV1Api),
    custom: config.makeApiClient(CustomObjectsApi),
    policy: config.makeApiClient(PolicyV1Api),
  };
}

/** Starts a fake with the Kubeception CRDs (and `options`), and makes clients of it. */
export function startWithCrds(options: FakeKubeOptions = {}): Promise<FakeKubeClients> {
  return startWithClients({ crds: kubeceptionCrds(), ...options });
}

/** Polls until `check` returns a value that is not undefined (or throws after `ms`). */
export async function eventually<T>(check: () => Promise<T | undefined> | T | undefined, ms = 3000): Promise<T> {
  const deadline = Date.now() + ms;
  for (;;) {
    const v = await check();
    if (v !== undefined) return v;
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((r) => setTimeout(r, 10));
  }
}

/** Raw JSON request to the fake (for wire-level assertions). */
export async function raw(
  kube: FakeKube,
  method: string,
  path: string,
  body?: unknown,
  headers: Record<string, string> = {},
): Promise<{ status: number; headers: Headers; json: any }> {
  const init: RequestInit = { method, headers: { 'Content-Type': 'application/json', ...headers } };
  if (body !== undefined) init.body = typeof body === 'string' ? body : JSON.stringify(body);
  const res = await fetch(`${kube.url}${path}`, init);
  const text = await res.text();
  let json: any;
  try {
    json = JSON.parse(text);
  } catch {
    json = text;
  }
  return { status: res.status, headers: res.headers, json };
}

/** A raw PATCH of `path` with `body`, sent as `strategy` (its content type). */
export function rawPatch(kube: FakeKube, strategy: PatchStrategy, path: string, body: unknown, headers: Record<string, string> = {}) {
  return raw(kube, 'PATCH', path, body, { 'Content-Type': strategy, ...headers });
}

/** The Status a client-node call was refused with, and its HTTP code; throws when the call succeeds or fails otherwise. */
export async function apiFailure(call: Promise<unknown>): Promise<any> {
  try {
    await call;
  } catch (e) {
    if (e instanceof ApiException) return { code: e.code, ...JSON.parse(e.body as string) };
    throw e;
  }
  throw new Error('expected a failure');
}

/** What `call` rejects with, or `undefined` when it resolves. */
export function rejectionOf(call: Promise<unknown>): Promise<unknown> {
  return call.then(
    () => undefined,
    (e: unknown) => e,
  );
}

/** The value of a client-node read, or `undefined` on 404 Not Found. */
export async function unlessNotFound<T>(read: Promise<T>): Promise<T | undefined> {
  try {
    return await read;
  } catch (e) {
    if (e instanceof ApiException && e.code === 404) return undefined;
    throw e;
  }
}

/** kube-apiserver's answer to a client it cannot authenticate. */
export const UNAUTHORIZED = { kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Failure', message: 'Unauthorized', reason: 'Unauthorized', code: 401 };

/** A kubeconfig for `server` that authenticates with bearer `token`, trusting the CA `caPem` (else only the system's CAs). */
export function tokenKubeConfig(server: string, token: string, caPem?: string): KubeConfig {
  const kc = new KubeConfig();
  kc.loadFromOptions({
    clusters: [{ name: 'c', server, ...(caPem === undefined ? {} : { caData: Buffer.from(caPem).toString('base64') }) }],
    users: [{ name: 'u', token }],
    contexts: [{ name: 'c', cluster: 'c', user: 'u' }],
    currentContext: 'c',
  });
  return kc;
}

/** A GET over HTTPS with Node's own client (client-node drops the body of a 401): the status and the body as text. */
export function httpsGet(url: string, options: https.RequestOptions): Promise<{ status: number | undefined; body: string }> {
  return new Promise((resolve, reject) => {
    https
      .get(url, options, (res) => {
        let body = '';
        res.on('data', (chunk: Buffer) => (body += chunk.toString()));
        res.on('end', () => resolve({ status: res.statusCode, body }));
      })
      .on('error', reject);
  });
}

/** Runs a program; rejects with its `stderr` when it fails. */
export const run = promisify(execFile);

/** Whether `program` runs with `args` (e.g. `kubectl version --client`). */
export const runs = (program: string, ...args: string[]): boolean => spawnSync(program, args, { stdio: 'ignore' }).status === 0;

/** The root schema of an object whose `spec` (and `status`) have these schemas. */
export function objectSchema(spec: object, status?: object): object {
  return { type: 'object', properties: { spec, ...(status === undefined ? {} : { status }) } };
}

/** What {@link testCrd} makes besides one stored version. */
export interface TestCrdOptions {
  /** @default 'example.com' */
  readonly group?: string;
  /** @default the kind, lower-case, with an `s` */
  readonly plural?: string;
  /** The stored version's subresources. @default none */
  readonly subresources?: object;
  /** More versions, served (not stored), with the same schema. @default [] */
  readonly alsoServed?: readonly string[];
}

/** A namespaced CRD of `kind`, whose version `v1` is served and stored with `openAPIV3Schema`. */
export function testCrd(kind: string, openAPIV3Schema: object, options: TestCrdOptions = {}): object {
  const group = options.group ?? 'example.com';
  const plural = options.plural ?? `${kind.toLowerCase()}s`;
  const schema = { openAPIV3Schema };
  return {
    apiVersion: 'apiextensions.k8s.io/v1',
    kind: 'CustomResourceDefinition',
    metadata: { name: `${plural}.${group}` },
    spec: {
      group,
      names: { plural, singular: kind.toLowerCase(), kind, listKind: `${kind}List` },
      scope: 'Namespaced',
      versions: [
        { name: 'v1', served: true, storage: true, schema, ...(options.subresources ? { subresources: options.subresources } : {}) },
        ...(options.alsoServed ?? []).map((name) => ({ name, served: true, storage: false, schema })),
      ],
    },
  };
}

/** A CRD whose v1 has a scale subresource over `.spec.size`, `.status.ready` and `.status.selector`. */
export function widgetCrd(
  scale: object = { specReplicasPath: '.spec.size', statusReplicasPath: '.status.ready', labelSelectorPath: '.status.selector' },
): object {
  const schema = objectSchema(
    { type: 'object', properties: { size: { type: 'integer', minimum: 0, maximum: 10 }, color: { type: 'string' } } },
    { type: 'object', properties: { ready: { type: 'integer' }, selector: { type: 'string' } } },
  );
  return testCrd('Widget', schema, { subresources: { status: {}, scale }, alsoServed: ['v1beta1'] });
}
