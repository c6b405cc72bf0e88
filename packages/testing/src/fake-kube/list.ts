/**
 * Lists: selectors, namespaces, `resourceVersion`/`resourceVersionMatch`, and `limit`/`continue`
 * pagination over a consistent snapshot taken at the first page (internal).
 */
import type { KubeApi } from './kube-api.js';
import type { LabelRequirement } from './label-index.js';
import type { ResourceType } from './resource-type.js';
import type { Selector } from './selectors.js';
import { badRequest, expired, timeout } from './status.js';
import type { JsonObject, StoredObject } from './types.js';

/** A list request. */
export interface ListQuery {
  readonly rt: ResourceType;
  readonly namespace: string | undefined;
  readonly selector: Selector;
  /** Label requirements of `selector` the store's label index answers (narrows the scan). @default [] */
  readonly requirements?: readonly LabelRequirement[];
  readonly filtered: boolean;
  readonly limit: number | undefined;
  readonly continueToken: string | null;
  readonly resourceVersion: string | null;
  readonly resourceVersionMatch: string | null;
}

/** A page of a list. */
export interface ListPage {
  readonly items: StoredObject[];
  readonly metadata: JsonObject;
}

interface Snapshot {
  readonly rv: number;
  readonly items: StoredObject[];
}

const EXPIRED_CONTINUE =
  'The provided continue parameter is too old to display a consistent list result. You can start a new list without the continue parameter, or use the continue token in this response to retrieve the remainder of the results. Continuing with the provided token results in an inconsistent list - objects that were created, modified, or deleted between the time the first chunk was returned and now may show up in the list.';

/** Lists with pagination snapshots kept for continue tokens (bounded, cleared on compaction). */
export class Lister {
  private readonly snapshots = new Map<string, Snapshot>();
  private seq = 0;

  constructor(
    private readonly api: KubeApi,
    private readonly maxSnapshots = 256,
  ) {}

  clear(): void {
    this.snapshots.clear();
  }

  list(q: ListQuery): ListPage {
    if (q.continueToken) return this.continueList(q);
    const rv = this.api.store.revision;
    const items = this.itemsAt(q).filter((o) => q.selector(o));
    return this.page(q, { rv: this.listRv(q, rv), items }, 0);
  }

  private listRv(q: ListQuery, current: number): number {
    return q.resourceVersionMatch === 'Exact' && q.resourceVersion ? Number(q.resourceVersion) : current;
  }

  /**
   * Objects at the requested resourceVersion (only `Exact` looks back in the history). The
   * current state comes from the label index when the selector has indexable requirements.
   */
  private itemsAt(q: ListQuery): StoredObject[] {
    const current = this.api.store.revision;
    const rv = q.resourceVersion;
    const n = rv === null || rv === '' ? current : Number(rv);
    if (!Number.isInteger(n) || n < 0) throw badRequest(`resourceVersion: Invalid value: ${JSON.stringify(rv)}: must be a valid resourceVersion`);
    if (n > current) throw tooLarge(n, current);
    if (q.resourceVersionMatch !== 'Exact' || n === current) return this.api.store.candidates(q.rt.key, q.namespace, q.requirements ?? []);
    const items = this.api.store.list(q.rt.key, q.namespace);
    const events = this.api.store.eventsSince(n, q.rt.key);
    if (!events) throw expired(`too old resource version: ${n} (${this.api.store.compactedRevision})`);
    const byKey = new Map(items.map((o) => [`${o.metadata.namespace ?? ''}/${o.metadata.name}`, o]));
    for (const e of [...events].reverse()) {
      const key = `${e.namespace}/${e.object.metadata.name}`;
      if (e.type === 'ADDED') byKey.delete(key);
      else if (e.old) byKey.set(key, e.old);
    }
    return [...byKey.values()]
      .filter((o) => q.namespace === undefined || (o.metadata.namespace ?? '') === q.namespace)
      .sort((a, b) => `${a.metadata.namespace ?? ''}/${a.metadata.name}`.localeCompare(`${b.metadata.namespace ?? ''}/${b.metadata.name}`));
  }

  private continueList(q: ListQuery): ListPage {
    let token: { v?: string; rv?: number; start?: number; s?: string };
    try {
      token = JSON.parse(Buffer.from(q.continueToken as string, 'base64').toString('utf8')) as typeof token;
    } catch {
      throw badRequest('continue key is not valid: illegal base64 data at input byte 0');
    }
    const snapshot = token.s === undefined ? undefined : this.snapshots.get(token.s);
    if (!snapshot) throw expired(EXPIRED_CONTINUE);
    return this.page(q, snapshot, token.start ?? 0, token.s);
  }

  private page(q: ListQuery, snapshot: Snapshot, start: number, id?: string): ListPage {
    const metadata: JsonObject = { resourceVersion: String(snapshot.rv) };
    if (q.limit === undefined || q.limit <= 0 || start + q.limit >= snapshot.items.length) {
      if (id) this.snapshots.delete(id);
      return { items: snapshot.items.slice(start), metadata };
    }
    const end = start + q.limit;
    const sid = id ?? this.remember(snapshot);
    metadata.continue = Buffer.from(JSON.stringify({ v: 'meta.k8s.io/v1', rv: snapshot.rv, start: end, s: sid })).toString('base64');
    if (!q.filtered) metadata.remainingItemCount = snapshot.items.length - end;
    return { items: snapshot.items.slice(start, end), metadata };
  }

  private remember(snapshot: Snapshot): string {
    const id = String(++this.seq);
    this.snapshots.set(id, snapshot);
    if (this.snapshots.size > this.maxSnapshots) this.snapshots.delete(this.snapshots.keys().next().value as string);
    return id;
  }
}

function tooLarge(rv: number, current: number) {
  const err = timeout(`Too large resource version: ${rv}, current: ${current}`);
  err.status.details = { ...err.status.details, causes: [{ reason: 'ResourceVersionTooLarge', message: 'Too large resource version' }] };
  return err;
}
