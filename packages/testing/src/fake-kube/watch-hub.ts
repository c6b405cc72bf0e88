/**
 * Watch streams: newline-delimited JSON events over chunked HTTP, replay from the bounded
 * history, 410 Gone for resourceVersions older than it (or than the kind's watch history: see
 * `ObjectStore.startHistory`), a wait for resourceVersions not reached yet, bookmarks (periodic,
 * and 2 s before a `timeoutSeconds` deadline as the watch cache sends them), selector transitions
 * (an object leaving the selector is sent as DELETED with its last matching state and the new
 * resourceVersion). Each event is serialized once per rendering and shared by every watcher
 * (internal).
 */
import type { ServerResponse } from 'node:http';
import type { KubeApi } from './kube-api.js';
import type { LabelRequirement } from './label-index.js';
import { bucketOf, type StoreEvent } from './object-store.js';
import { apiVersionOf, type ResourceType } from './resource-type.js';
import type { Selector } from './selectors.js';
import { expired, timeout } from './status.js';
import { partialMetadata, toTable, type Rendering } from './table.js';
import type { KubeObject, Status, WatchEventType } from './types.js';

/** What one watch request asked for. */
export interface WatchSpec {
  readonly rt: ResourceType;
  readonly version: string;
  readonly namespace: string | undefined;
  readonly selector: Selector;
  /** Label requirements of `selector` the store's label index answers (initial state only). @default [] */
  readonly requirements?: readonly LabelRequirement[];
  readonly rendering: Rendering;
  readonly includeObject: string | null;
  readonly bookmarks: boolean;
  readonly resourceVersion: string | null;
  readonly sendInitialEvents: boolean;
  readonly timeoutSeconds: number | undefined;
}

/**
 * Where a watch's events go: a chunked HTTP response ({@link httpWatchSink}), or an in-process
 * consumer (the fake's own local clients). Lines are newline-terminated JSON watch events.
 */
export interface WatchSink {
  /** False once the watch ended, on either side. */
  readonly open: boolean;
  write(line: string): void;
  /**
   * An object event. `object` is the stored object as served (not to be changed); `line()` is its
   * serialized event, made once per event and rendering for every sink that asks.
   */
  event(type: WatchEventType, object: KubeObject, line: () => string): void;
  /** Ends the watch cleanly, after `line` when given. */
  end(line?: string): void;
  /** Ends the watch abruptly, as a dropped connection does. */
  destroy(): void;
  /** Runs `listener` once when the watch ends, whichever side ended it. */
  onClose(listener: () => void): void;
}

/** A sink writing to a chunked HTTP response (headers are flushed at once). */
export function httpWatchSink(res: ServerResponse): WatchSink {
  res.writeHead(200, { 'Content-Type': 'application/json', 'Cache-Control': 'no-cache, private', 'Transfer-Encoding': 'chunked' });
  res.flushHeaders();
  return {
    get open() {
      return !res.writableEnded && !res.destroyed;
    },
    write: (line) => void res.write(line),
    event: (_type, _object, line) => void res.write(line()),
    end: (line) => void (line === undefined ? res.end() : res.end(line)),
    destroy: () => void res.destroy(),
    onClose: (listener) => void res.on('close', listener),
  };
}

interface Watcher {
  readonly res: WatchSink;
  readonly spec: WatchSpec;
  readonly cacheKey: string;
  /** Events up to this resourceVersion are not for this watch (it starts there). */
  readonly after: number;
  timer?: NodeJS.Timeout;
  bookmarkTimer?: NodeJS.Timeout;
}

/** All open watches, by resource. */
export class WatchHub {
  private readonly byKey = new Map<string, Set<Watcher>>();
  private readonly bookmarkTimer: NodeJS.Timeout;
  private readonly unsubscribe: () => void;

  constructor(
    private readonly api: KubeApi,
    bookmarkIntervalMs: number,
  ) {
    this.unsubscribe = api.store.subscribe((e) => this.fanOut(e));
    this.bookmarkTimer = setInterval(() => this.bookmarkAll(), bookmarkIntervalMs);
    this.bookmarkTimer.unref();
  }

  /** Number of open watches. */
  get size(): number {
    let n = 0;
    for (const set of this.byKey.values()) n += set.size;
    return n;
  }

  /** Starts a watch whose events go to `res`. */
  start(res: WatchSink, spec: WatchSpec): void {
    const rv = spec.resourceVersion;
    const current = this.api.store.revision;
    const from = rv !== null && rv !== '' && rv !== '0' && !spec.sendInitialEvents ? Number(rv) : undefined;
    const w: Watcher = { res, spec, cacheKey: `${spec.rt.key}|${spec.version}|${spec.rendering}|${spec.includeObject ?? ''}`, after: from ?? current };
    if (from !== undefined) {
      if (!Number.isFinite(from)) return this.fail(res, tooLarge(String(rv), current));
      const floor = this.api.store.watchFloor(spec.rt.key);
      const events = from < floor ? undefined : this.api.store.eventsSince(from, spec.rt.key);
      if (!events) return this.fail(res, expired(`too old resource version: ${from} (${floor})`).status);
      // a resourceVersion not reached yet is waited for, as the watch cache does: later events only
      for (const e of events) this.deliver(w, e);
    } else {
      const objects = this.api.store.candidates(spec.rt.key, spec.namespace, spec.requirements ?? []);
      for (const obj of objects) if (spec.selector(obj)) this.event(w, 'ADDED', obj, () => this.line(w, 'ADDED', obj));
      if (spec.sendInitialEvents && spec.bookmarks) this.write(w, this.bookmarkLine(spec, current, true));
    }
    this.register(w);
  }

  /** Ends every open watch abruptly (connections are destroyed). */
  dropAll(): number {
    const all = [...this.byKey.values()].flatMap((s) => [...s]);
    for (const w of all) w.res.destroy();
    this.byKey.clear();
    return all.length;
  }

  /** Ends the watches of one resource cleanly (its CRD was deleted). */
  closeKey(key: string): void {
    for (const w of this.byKey.get(key) ?? []) w.res.end();
    this.byKey.delete(key);
  }

  stop(): void {
    clearInterval(this.bookmarkTimer);
    this.unsubscribe();
    this.dropAll();
  }

  private register(w: Watcher): void {
    // watchers wait on the bucket their resource is stored in (events.k8s.io Events: the core Events')
    const bucket = bucketOf(w.spec.rt.key);
    let set = this.byKey.get(bucket);
    if (!set) this.byKey.set(bucket, (set = new Set()));
    set.add(w);
    const remove = () => {
      clearTimeout(w.timer);
      clearTimeout(w.bookmarkTimer);
      this.byKey.get(bucket)?.delete(w);
    };
    w.res.onClose(remove);
    const { timeoutSeconds, bookmarks } = w.spec;
    if (timeoutSeconds === undefined) return;
    w.timer = setTimeout(() => w.res.end(), timeoutSeconds * 1000);
    // the watch cache's pre-timeout bookmark: sent once the resource has changed since the watch's start
    if (bookmarks && timeoutSeconds > 2) w.bookmarkTimer = setTimeout(() => this.deadlineBookmark(w), (timeoutSeconds - 2) * 1000);
  }

  private deadlineBookmark(w: Watcher): void {
    const rv = this.api.store.revision;
    if (rv > w.after) this.write(w, this.bookmarkLine(w.spec, rv));
  }

  private fail(res: WatchSink, status: Status): void {
    res.end(`${JSON.stringify({ type: 'ERROR', object: status })}\n`);
  }

  private fanOut(e: StoreEvent): void {
    const set = this.byKey.get(e.key);
    if (!set) return;
    for (const w of set) this.deliver(w, e);
  }

  private deliver(w: Watcher, e: StoreEvent): void {
    const { spec } = w;
    if (e.rv <= w.after || (spec.namespace !== undefined && e.namespace !== spec.namespace)) return;
    const now = e.type !== 'DELETED' && spec.selector(e.object);
    const was = e.type === 'DELETED' ? spec.selector(e.old ?? e.object) : e.old !== undefined && spec.selector(e.old);
    let type: WatchEventType;
    if (e.type === 'DELETED') type = 'DELETED';
    else if (now && was) type = 'MODIFIED';
    else if (now) type = 'ADDED';
    else if (was) type = 'DELETED';
    else return;
    if (e.type === 'DELETED' && !was) return;
    const object = e.type === 'MODIFIED' && !now ? leftSelector(e) : e.object;
    this.event(w, type, object, () => {
      const key = `${type}|${w.cacheKey}`;
      let line = e.lines.get(key);
      if (line === undefined) e.lines.set(key, (line = this.line(w, type, object)));
      return line;
    });
  }

  private line(w: Watcher, type: WatchEventType, obj: KubeObject): string {
    const { rt, version, rendering, includeObject } = w.spec;
    const presented = this.api.present(obj, rt, version);
    let object: unknown = presented;
    if (rendering === 'table') object = toTable(rt, version, [presented], { resourceVersion: obj.metadata.resourceVersion }, includeObject);
    else if (rendering === 'metadata') object = partialMetadata(presented);
    return `${JSON.stringify({ type, object })}\n`;
  }

  private event(w: Watcher, type: WatchEventType, obj: KubeObject, line: () => string): void {
    if (w.res.open) w.res.event(type, this.api.present(obj, w.spec.rt, w.spec.version), line);
  }

  private write(w: Watcher, line: string): void {
    if (w.res.open) w.res.write(line);
  }

  private bookmarkLine(spec: WatchSpec, rv: number, initialEnd = false): string {
    const metadata: Record<string, unknown> = { resourceVersion: String(rv) };
    if (initialEnd) metadata.annotations = { 'k8s.io/initial-events-end': 'true' };
    return `${JSON.stringify({ type: 'BOOKMARK', object: { kind: spec.rt.kind, apiVersion: apiVersionOf(spec.rt.group, spec.version), metadata } })}\n`;
  }

  private bookmarkAll(): void {
    const rv = this.api.store.revision;
    for (const set of this.byKey.values()) for (const w of set) if (w.spec.bookmarks) this.write(w, this.bookmarkLine(w.spec, rv));
  }
}

/**
 * What a watch is sent when an object stops matching its selector: the object as it last matched
 * (the event's previous state), with the event's resourceVersion.
 */
function leftSelector(e: StoreEvent): KubeObject {
  const old = e.old ?? e.object;
  return { ...old, metadata: { ...old.metadata, resourceVersion: String(e.rv) } };
}

function tooLarge(rv: string, current: number): Status {
  const status = timeout(`Too large resource version: ${rv}, current: ${current}`).status;
  status.details = { ...status.details, causes: [{ reason: 'ResourceVersionTooLarge', message: 'Too large resource version' }] };
  return status;
}
