/**
 * Kubernetes Events about objects, like client-go's recorder: written as core/v1 Events,
 * repeated events fold into one with a growing `count` and `lastTimestamp`, and a per-object
 * token bucket (burst 25, one more per 5 minutes by default) stops event storms.
 */
import { EventResource, type Event } from '../kube/builtins.js';
import type { KubeClient } from '../kube/client.js';
import { TokenBucket } from '../internal/token-bucket.js';
import type { KubeObject, Persisted } from '../resource.js';

/** An event to record. */
export interface EventInput {
  /** `Warning` for problems, `Normal` otherwise. */
  readonly type: 'Normal' | 'Warning';
  /** CamelCase, e.g. `CertificateIssued`. */
  readonly reason: string;
  /** Human message. Never put secrets in it. */
  readonly message: string;
  /** What was done, e.g. `Issue`. @default reason */
  readonly action?: string;
}

/** Records events; failures are logged by the caller's logger, never thrown. */
export interface EventRecorder {
  /**
   * Records an event about `object`: a repeat of the same event bumps its `count`; past the per-object rate
   * limit events are dropped. Never rejects.
   */
  record(object: Persisted<KubeObject>, event: EventInput): Promise<void>;
}

/** Options of {@link createEventRecorder}. */
export interface EventRecorderOptions {
  /** `source.component` and `reportingController`. */
  readonly component: string;
  /** @default 25 */
  readonly burst?: number;
  /** Refill rate per object. @default 1/300 (one per 5 minutes) */
  readonly qps?: number;
  /** Called when writing an event fails. */
  readonly onError?: (error: unknown) => void;
}

/** How many objects' and events' entries a recorder keeps. */
const KEPT = 4096;

/** Sets `key` in `map`, dropping the oldest entry first when a new key would take it past {@link KEPT}. */
function keep<V>(map: Map<string, V>, key: string, value: V): V {
  if (!map.has(key) && map.size >= KEPT) map.delete(map.keys().next().value!);
  map.set(key, value);
  return value;
}

/** Creates a recorder writing through `kube`. */
export function createEventRecorder(kube: KubeClient, options: EventRecorderOptions): EventRecorder {
  const events = kube.resource(EventResource);
  // bounded as client-go's event correlator's caches are (4,096 entries each; the oldest goes
  // first): one entry per object and event ever recorded would grow for the operator's lifetime
  const seen = new Map<string, { name: string; namespace: string; count: number }>();
  const buckets = new Map<string, TokenBucket>();
  const host = `${options.component}`;
  return {
    async record(object, input) {
      const uid = object.metadata.uid;
      const bucket = buckets.get(uid) ?? keep(buckets, uid, new TokenBucket(options.qps ?? 1 / 300, options.burst ?? 25));
      if (bucket.tryTake() > 0) return;
      const namespace = object.metadata.namespace ?? 'default';
      const key = `${uid}|${input.type}|${input.reason}|${input.message}`;
      const now = new Date().toISOString().replace(/\.\d{3}Z$/, 'Z');
      const previous = seen.get(key);
      if (previous !== undefined) {
        previous.count++;
        const folded = await events
          .patch(previous.name, { type: 'merge', body: { count: previous.count, lastTimestamp: now } }, { namespace: previous.namespace })
          .match(
            () => true,
            () => false,
          );
        if (folded) return;
        seen.delete(key); // the event expired or was deleted: write a new one
      }
      const name = `${object.metadata.name}.${(Date.now() * 1000 + Math.floor(Math.random() * 1000)).toString(16)}`;
      const body: Event = {
        metadata: { name, namespace },
        involvedObject: {
          apiVersion: object.apiVersion,
          kind: object.kind,
          name: object.metadata.name,
          namespace: object.metadata.namespace,
          uid,
          resourceVersion: object.metadata.resourceVersion,
        },
        type: input.type,
        reason: input.reason,
        message: input.message,
        action: input.action ?? input.reason,
        count: 1,
        firstTimestamp: now,
        lastTimestamp: now,
        source: { component: host },
        reportingComponent: options.component,
        reportingInstance: host,
      };
      const created = await events.create(body);
      created.match(
        () => void keep(seen, key, { name, namespace, count: 1 }),
        (error) => options.onError?.(error),
      );
    },
  };
}
