/**
 * A KVM world whose fakes (simulated host, VM simulator with its guest API servers, fake Vault)
 * run in a worker thread while the operators run in the calling thread: on a 2-core machine the
 * fakes no longer take CPU from the operators' thread, as a real host API server and Vault would
 * not. For benches at large scale; tests use `startKvmWorld` (one thread, everything inspectable).
 *
 * What crosses the thread boundary is HTTP (the operators reach the host API, Vault and each guest
 * API over loopback, as they would in-process) and a few messages: where the fakes listen, each
 * guest API server's kubeconfig as it starts, the host's request log, settle and stop.
 */
import { ClusterResource, clusterId, type Cluster, type ClusterInput } from '@kubeception/sdk';
import { createKubeClient, type KubeClient, type ResourceClient } from '@kubeception/sdk/kube';
import type { Controller } from '@kubeception/sdk/runtime';
import { KubeConfig } from '@kubernetes/client-node';
import { extname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import { startKvmOperators, type KvmWorldOptions } from './kvm-world.js';

/** What the parent asks of the fakes' thread. */
export type FakesOp =
  | { readonly op: 'requests' }
  | { readonly op: 'vaultRequests' }
  | { readonly op: 'clearRequests' }
  | { readonly op: 'settle'; readonly timeoutMs: number }
  | { readonly op: 'stop' };
/** A request of the parent to the fakes' thread. */
export type FakesRequest = { readonly id: number } & FakesOp;

/** A message of the fakes' thread. */
export type FakesReply =
  | { readonly type: 'ready'; readonly hostKubeconfigYaml: string; readonly vaultUrl: string; readonly vaultToken: string }
  | { readonly type: 'guest'; readonly name: string; readonly kubeconfigYaml: string }
  | { readonly type: 'answer'; readonly id: number; readonly value?: unknown; readonly error?: string };

/** A host API request, as the host's request log recorded it. */
export interface RemoteRequest {
  readonly verb: string;
  readonly resource: string;
  readonly subresource: string | undefined;
  readonly userAgent: string;
}

/** A request to the fake Vault, as its request log recorded it (every one is an operator's: the bench and tests do not call Vault). */
export interface RemoteVaultRequest {
  readonly method: string;
  /** Path after `/v1/`. */
  readonly path: string;
  /** Vault's operation (`read`, `create`, `update`, …). */
  readonly operation: string;
}

export interface RemoteKvmWorld {
  /** A client of the host API (not an operator's). */
  readonly kube: KubeClient;
  readonly clusterControllers: readonly Controller[];
  clusters(): ResourceClient<Cluster, ClusterInput>;
  /** The host API server's request log. */
  requests(): Promise<RemoteRequest[]>;
  /** The fake Vault's request log. */
  vaultRequests(): Promise<RemoteVaultRequest[]>;
  /** Empties both logs. */
  clearRequests(): Promise<void>;
  /** The VM simulator's `settle`. */
  settle(options?: { readonly timeoutMs?: number }): Promise<void>;
  stop(): Promise<void>;
}

/**
 * The fakes allocate a great deal of short-lived JSON (bodies, copies, watch lines); a young
 * generation larger than V8's default makes them spend less time in scavenges (about 8% more
 * clusters/s in the 200-cluster bench).
 */
const FAKES_HEAP = { maxYoungGenerationSizeMb: 96 };

/**
 * A worker running `entry`. Run from TypeScript sources (tsx), the worker registers tsx's loader
 * first: a worker does not inherit the `--import tsx` hooks of its parent.
 */
function startWorker(entry: URL, workerData: unknown): Worker {
  if (!entry.pathname.endsWith('.ts')) return new Worker(entry, { workerData, resourceLimits: FAKES_HEAP });
  const bootstrap = `import('tsx/esm/api').then(({ register }) => { register(); return import(${JSON.stringify(entry.href)}); })`;
  return new Worker(bootstrap, { eval: true, workerData, resourceLimits: FAKES_HEAP });
}

const config = (yaml: string) => {
  const kubeConfig = new KubeConfig();
  kubeConfig.loadFromString(yaml);
  return kubeConfig;
};

/** Starts the fakes in a worker thread and the operators here. Options must be plain data. */
export async function startKvmWorldInWorker(options: KvmWorldOptions = {}): Promise<RemoteKvmWorld> {
  const worker = startWorker(new URL(`./kvm-fakes-worker${extname(fileURLToPath(import.meta.url))}`, import.meta.url), options);
  const guests = new Map<string, KubeClient>();
  const pending = new Map<number, { resolve: (value: unknown) => void; reject: (error: Error) => void }>();
  let nextId = 0;
  const ready = new Promise<Extract<FakesReply, { type: 'ready' }>>((resolve, reject) => {
    worker.once('error', reject);
    worker.on('message', (message: FakesReply) => {
      if (message.type === 'ready') resolve(message);
      else if (message.type === 'guest')
        guests.set(message.name, createKubeClient({ kubeConfig: config(message.kubeconfigYaml), qps: 0, retry: { maxAttempts: 1 } }));
      else {
        const waiter = pending.get(message.id);
        pending.delete(message.id);
        if (message.error !== undefined) waiter?.reject(new Error(message.error));
        else waiter?.resolve(message.value);
      }
    });
  });
  const ask = <T>(request: FakesOp): Promise<T> =>
    new Promise<T>((resolve, reject) => {
      const id = nextId++;
      pending.set(id, { resolve: resolve as (value: unknown) => void, reject });
      worker.postMessage({ ...request, id });
    });
  const endpoints = await ready;
  const hostKubeConfig = config(endpoints.hostKubeconfigYaml);
  const operators = startKvmOperators(
    {
      hostKubeConfig,
      vaultUrl: endpoints.vaultUrl,
      vaultToken: endpoints.vaultToken,
      guest: (target) => (target.admin === undefined ? undefined : guests.get(clusterId(target))),
    },
    options,
  );
  const kube = createKubeClient({ kubeConfig: hostKubeConfig, qps: 0 });
  return {
    kube,
    clusterControllers: operators.clusterControllers,
    clusters: () => kube.resource(ClusterResource),
    requests: () => ask<RemoteRequest[]>({ op: 'requests' }),
    vaultRequests: () => ask<RemoteVaultRequest[]>({ op: 'vaultRequests' }),
    clearRequests: () => ask<void>({ op: 'clearRequests' }),
    settle: (settleOptions) => ask<void>({ op: 'settle', timeoutMs: settleOptions?.timeoutMs ?? 60_000 }),
    stop: async () => {
      await operators.stop();
      await ask<void>({ op: 'stop' });
      await worker.terminate();
    },
  };
}
