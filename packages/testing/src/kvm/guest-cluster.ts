/**
 * One guest cluster's API server as the VM simulator runs it (internal): a plain-HTTP
 * `startFakeKube()`, a client, and informers on its Nodes and Pods, plus a check that those
 * informers have seen everything that matters, cheap enough for a thousand guests at once.
 */
import { X509Certificate } from 'node:crypto';
import { NodeResource, PodResource, type KubeClient, type Node, type Pod } from '@kubeception/sdk/kube';
import { InformerCache, objectKey, type Informer, type InformerEvent, type Store } from '@kubeception/sdk/runtime';
import type { KubeObject } from '@kubeception/sdk';
import { startFakeKube, type FakeKube, type ServingCertificate } from '../fake-kube/server.js';

/** Told about every change of a guest's Nodes and Pods. */
export interface GuestListener {
  onNode(cluster: string, event: InformerEvent<Node>): void;
  onPod(cluster: string, event: InformerEvent<Pod>): void;
}

/** Options of {@link GuestCluster.start}. */
export interface GuestOptions {
  readonly bookmarkIntervalMs: number;
  readonly listener: GuestListener;
  /**
   * The certificate a guest's API server serves with, read when it starts (the cluster's `api`
   * certificate): the server then serves HTTPS and authenticates clients by certificates of the
   * cluster's CA. Rejects while there is none yet (the start is tried again). Without it, plain HTTP.
   */
  readonly serving?: (cluster: string, namespace: string) => Promise<ServingCertificate>;
}

const num = (rv: string | undefined): number => Number(rv ?? 0) || 0;

/** Whether a store holds exactly `items`, by key and resourceVersion. */
function mirrors<T extends KubeObject>(store: Store<T>, items: readonly T[]): boolean {
  return store.size === items.length && items.every((item) => store.get(objectKey(item))?.metadata.resourceVersion === item.metadata?.resourceVersion);
}

/** A running guest API server and the simulator's view of it. */
export class GuestCluster {
  /** Set once `stop()` was called: failures of calls to it are expected. */
  stopped = false;
  private lastNodeWrite = 0;
  private lastPodWrite = 0;
  private verifiedAt = 0;
  private verifying = false;

  private constructor(
    readonly name: string,
    readonly kube: FakeKube,
    readonly client: KubeClient,
    readonly nodes: Informer<Node>,
    readonly pods: Informer<Pod>,
    private readonly lifetime: AbortController,
    private readonly serving: X509Certificate | undefined,
  ) {}

  /** Whether the server's certificate is for `serverName` (as a TLS client checks it: its DNS names, wildcards); never for a plain-HTTP guest. */
  serves(serverName: string): boolean {
    return this.serving?.checkHost(serverName) !== undefined;
  }

  /** Starts the server and its informers; resolves once they have synced. */
  static async start(name: string, namespace: string, options: GuestOptions): Promise<GuestCluster> {
    const tls = options.serving ? await options.serving(name, namespace) : undefined;
    const kube = await startFakeKube({ bookmarkIntervalMs: options.bookmarkIntervalMs, ...(tls ? { tls, clientCertificates: true } : {}) });
    const client = kube.localClient({ fieldManager: 'kubeception-vm-simulator' });
    const lifetime = new AbortController();
    const cache = new InformerCache(client, lifetime.signal);
    const nodes = cache.get(NodeResource);
    const pods = cache.get(PodResource);
    nodes.subscribe((e) => options.listener.onNode(name, e));
    pods.subscribe((e) => options.listener.onPod(name, e));
    await Promise.all([nodes.synced(), pods.synced()]);
    return new GuestCluster(name, kube, client, nodes, pods, lifetime, tls ? new X509Certificate(tls.certificate) : undefined);
  }

  /** Notes a Node or Pod the simulator wrote, so `caughtUp` waits until that informer has it. */
  noteWrite(object: { kind?: string; metadata?: { resourceVersion?: string } }): void {
    const rv = num(object.metadata?.resourceVersion);
    if (object.kind === 'Node') this.lastNodeWrite = Math.max(this.lastNodeWrite, rv);
    else this.lastPodWrite = Math.max(this.lastPodWrite, rv);
  }

  /** The server's latest resourceVersion. */
  revision(): number {
    return num(this.kube.resourceVersion());
  }

  /**
   * Whether the informers have seen every change of Nodes and Pods so far. Writes to other kinds
   * move the server's resourceVersion without an event; rather than wait for a bookmark, a list
   * of both kinds that matches the caches (once they hold the simulator's own writes) proves it.
   */
  caughtUp(): boolean {
    const target = this.revision();
    const nodes = num(this.nodes.state().resourceVersion);
    const pods = num(this.pods.state().resourceVersion);
    if (nodes >= target && pods >= target) return true;
    const ownWritesSeen = nodes >= this.lastNodeWrite && pods >= this.lastPodWrite;
    if (ownWritesSeen && this.verifiedAt >= target) return true;
    if (ownWritesSeen && !this.verifying) void this.verify();
    return false;
  }

  private async verify(): Promise<void> {
    this.verifying = true;
    const lists = this.client
      .resource(NodeResource)
      .list()
      .andThen((nodes) =>
        this.client
          .resource(PodResource)
          .list()
          .map((pods) => ({ nodes, pods })),
      );
    const verified = await lists.match(
      ({ nodes, pods }) =>
        mirrors(this.nodes.store, nodes.items) && mirrors(this.pods.store, pods.items) ? Math.min(num(nodes.resourceVersion), num(pods.resourceVersion)) : 0,
      () => 0,
    );
    this.verifiedAt = Math.max(this.verifiedAt, verified);
    this.verifying = false;
  }

  /** Stops the informers, then the server. */
  async stop(): Promise<void> {
    this.stopped = true;
    this.lifetime.abort();
    await this.kube.stop();
  }
}

interface GuestEntry {
  readonly namespace: string;
  starting: Promise<GuestCluster | undefined>;
  guest?: GuestCluster;
  retired: boolean;
  /** The next start after a failed one. */
  retry?: NodeJS.Timeout;
}

/** How long after a failed start a guest is started again. */
export const GUEST_RESTART_MS = 500;

/** The guests by guest cluster (its host namespace): started on a cluster's first VM pod, stopped with its namespace. */
export class GuestRegistry {
  private readonly entries = new Map<string, GuestEntry>();
  private readonly inFlight = new Set<Promise<unknown>>();

  constructor(
    private readonly options: GuestOptions,
    private readonly onError: (component: string, key: string, error: unknown) => void,
  ) {}

  /** Starts the guest of `cluster` (whose VMs live in host namespace `namespace`) unless it runs. */
  touch(cluster: string, namespace: string): void {
    if (this.entries.has(cluster)) return;
    const entry: GuestEntry = { namespace, starting: Promise.resolve(undefined), retired: false };
    entry.starting = this.track(
      GuestCluster.start(cluster, namespace, this.options).then(
        async (guest) => {
          if (entry.retired) {
            await guest.stop();
            return undefined;
          }
          entry.guest = guest;
          return guest;
        },
        (error: unknown) => {
          this.onError('vm-simulator/guest', cluster, error);
          // its api certificate may come after its VM pods (which a real kubelet holds until then): start it again, unless retired meanwhile
          if (this.entries.get(cluster) === entry && !entry.retired) entry.retry = setTimeout(() => this.restart(cluster, entry), GUEST_RESTART_MS);
          return undefined;
        },
      ),
    );
    this.entries.set(cluster, entry);
  }

  /** Starts `cluster`'s guest again after its entry's start failed, unless the entry was retired or replaced. */
  private restart(cluster: string, entry: GuestEntry): void {
    if (this.entries.get(cluster) !== entry || entry.retired) return;
    this.entries.delete(cluster);
    this.touch(cluster, entry.namespace);
  }

  /** The guest of `cluster` once started (waits while it starts); undefined when there is none. */
  async ready(cluster: string): Promise<GuestCluster | undefined> {
    return this.entries.get(cluster)?.starting;
  }

  /** The started guest of `cluster`, if any. */
  get(cluster: string): GuestCluster | undefined {
    return this.entries.get(cluster)?.guest;
  }

  /** Stops the guests of the clusters whose VMs lived in `namespace`; returns their names. */
  retireNamespace(namespace: string): string[] {
    const retired: string[] = [];
    for (const [cluster, entry] of this.entries) {
      if (entry.namespace !== namespace) continue;
      entry.retired = true;
      clearTimeout(entry.retry);
      this.entries.delete(cluster);
      retired.push(cluster);
      if (entry.guest) void this.track(entry.guest.stop().catch((error: unknown) => this.onError('vm-simulator/guest', cluster, error)));
    }
    return retired;
  }

  /** The started guests. */
  all(): GuestCluster[] {
    return [...this.entries.values()].flatMap((e) => (e.guest ? [e.guest] : []));
  }

  /** Whether a guest is starting or stopping. */
  busy(): boolean {
    return this.inFlight.size > 0;
  }

  /** Stops every guest. */
  async stopAll(): Promise<void> {
    const entries = [...this.entries.values()];
    this.entries.clear();
    for (const entry of entries) {
      entry.retired = true;
      clearTimeout(entry.retry);
    }
    await Promise.all(entries.map((e) => e.guest?.stop()));
    await Promise.all([...this.inFlight]);
  }

  private track<T>(promise: Promise<T>): Promise<T> {
    const tracked = promise.finally(() => this.inFlight.delete(tracked));
    this.inFlight.add(tracked);
    return tracked;
  }
}
