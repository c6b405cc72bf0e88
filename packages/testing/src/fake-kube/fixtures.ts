/* eslint-disable @typescript-eslint/no-explicit-any -- assertions on untyped wire JSON */
/** Objects and helpers shared by this package's tests (internal, not exported). */
import { kubeceptionCrds } from '@kubeception/sdk';
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

/** Starts a fake with the Kubeception CRDs. */
export function startWithCrds(options: FakeKubeOptions = {}): Promise<FakeKube> {
  return startFakeKube({ crds: kubeceptionCrds(), ...options });
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

/** A CRD whose v1 has a scale subresource over `.spec.size`, `.status.ready` and `.status.selector`. */
export function widgetCrd(
  scale: object = { specReplicasPath: '.spec.size', statusReplicasPath: '.status.ready', labelSelectorPath: '.status.selector' },
): object {
  const schema = {
    type: 'object',
    properties: {
      spec: { type: 'object', properties: { size: { type: 'integer', minimum: 0, maximum: 10 }, color: { type: 'string' } } },
      status: { type: 'object', properties: { ready: { type: 'integer' }, selector: { type: 'string' } } },
    },
  };
  return {
    apiVersion: 'apiextensions.k8s.io/v1',
    kind: 'CustomResourceDefinition',
    metadata: { name: 'widgets.example.com' },
    spec: {
      group: 'example.com',
      names: { plural: 'widgets', singular: 'widget', kind: 'Widget', listKind: 'WidgetList' },
      scope: 'Namespaced',
      versions: [
        { name: 'v1', served: true, storage: true, schema: { openAPIV3Schema: schema }, subresources: { status: {}, scale } },
        { name: 'v1beta1', served: true, storage: false, schema: { openAPIV3Schema: schema } },
      ],
    },
  };
}
