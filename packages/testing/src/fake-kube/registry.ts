/** The set of served resources, built-in and CRD-defined, and discovery documents (internal). */
import { builtinResources, POD_STREAMS } from './builtin-resources.js';
import { apiVersionOf, VERBS, type ResourceType, type ScalePaths } from './resource-type.js';
import type { JsonObject } from './types.js';

const VERSION_RE = /^v(\d+)(?:(alpha|beta)(\d+))?$/;

/** Kubernetes version priority: v2 > v1 > v1beta2 > v1beta1 > v1alpha1 > others (alphabetical). */
export function compareKubeVersions(a: string, b: string): number {
  const rank = (v: string): [number, number, number, number] => {
    const m = VERSION_RE.exec(v);
    if (!m) return [0, 0, 0, 0];
    const stage = m[2] === undefined ? 3 : m[2] === 'beta' ? 2 : 1;
    return [1, stage, Number(m[1]), Number(m[3] ?? 0)];
  };
  const ra = rank(a);
  const rb = rank(b);
  for (let i = 0; i < 4; i++) if (ra[i] !== rb[i]) return (rb[i] ?? 0) - (ra[i] ?? 0);
  return a.localeCompare(b);
}

/** A custom resource's verbs, in the order apiextensions' discovery controller lists them. */
const CRD_VERBS = ['delete', 'deletecollection', 'get', 'list', 'patch', 'create', 'update', 'watch'] as const;

/** Served resources, indexed by storage key, by group/version/plural and by group/kind. */
export class Registry {
  private readonly byKey = new Map<string, ResourceType>();
  private readonly byKind = new Map<string, ResourceType>();

  constructor() {
    for (const rt of builtinResources()) this.add(rt);
  }

  add(rt: ResourceType): void {
    this.byKey.set(rt.key, rt);
    this.byKind.set(`${rt.group}/${rt.kind}`, rt);
  }

  remove(key: string): void {
    const rt = this.byKey.get(key);
    if (!rt) return;
    this.byKey.delete(key);
    if (this.byKind.get(`${rt.group}/${rt.kind}`) === rt) this.byKind.delete(`${rt.group}/${rt.kind}`);
  }

  byStorageKey(key: string): ResourceType | undefined {
    return this.byKey.get(key);
  }

  /** The resource served at `/apis/<group>/<version>/<plural>`, if that version is served. */
  find(group: string, version: string, plural: string): ResourceType | undefined {
    const rt = this.byKey.get(`${group}/${plural}`);
    return rt && rt.versions.includes(version) ? rt : undefined;
  }

  /** The resource of an `apiVersion` + `kind` pair (for owner references). */
  findKind(group: string, kind: string): ResourceType | undefined {
    return this.byKind.get(`${group}/${kind}`);
  }

  all(): ResourceType[] {
    return [...this.byKey.values()];
  }

  /** Served versions per group, preferred first, groups in registration order. */
  groups(): Map<string, string[]> {
    const groups = new Map<string, Set<string>>();
    for (const rt of this.byKey.values()) {
      const set = groups.get(rt.group) ?? new Set<string>();
      for (const v of rt.versions) set.add(v);
      groups.set(rt.group, set);
    }
    return new Map([...groups].map(([g, vs]) => [g, [...vs].sort(compareKubeVersions)]));
  }

  /** `GET /apis`: an APIGroupList. */
  apiGroupList(): JsonObject {
    const groups = [...this.groups()].filter(([g]) => g !== '').map(([g, vs]) => this.apiGroup(g, vs));
    return { kind: 'APIGroupList', apiVersion: 'v1', groups };
  }

  /** `GET /apis/<group>`: an APIGroup, or undefined when the group is not served. */
  apiGroupDoc(group: string): JsonObject | undefined {
    const versions = this.groups().get(group);
    return versions && group !== '' ? { kind: 'APIGroup', apiVersion: 'v1', ...this.apiGroup(group, versions) } : undefined;
  }

  private apiGroup(name: string, versions: string[]): JsonObject {
    const entries = versions.map((v) => ({ groupVersion: `${name}/${v}`, version: v }));
    return { name, versions: entries, preferredVersion: entries[0] };
  }

  /** `GET /api/v1` or `/apis/<group>/<version>`: an APIResourceList, or undefined when nothing is served there. */
  apiResourceList(group: string, version: string): JsonObject | undefined {
    const rts = [...this.byKey.values()].filter((rt) => rt.group === group && rt.versions.includes(version));
    if (rts.length === 0) return undefined;
    const resources: JsonObject[] = [];
    for (const rt of rts) {
      const verbs = rt.crd ? [...CRD_VERBS] : rt.verbs ? [...rt.verbs] : VERBS.filter((v) => v !== 'deletecollection' || deletesCollections(rt));
      const entry: JsonObject = { name: rt.plural, singularName: rt.singular, namespaced: rt.namespaced, kind: rt.kind, verbs };
      if (rt.shortNames.length > 0) entry.shortNames = [...rt.shortNames];
      if (rt.categories.length > 0) entry.categories = [...rt.categories];
      resources.push(entry);
      if (scaleOf(rt, version)) {
        resources.push({
          name: `${rt.plural}/scale`,
          singularName: '',
          namespaced: rt.namespaced,
          group: 'autoscaling',
          version: 'v1',
          kind: 'Scale',
          verbs: ['get', 'patch', 'update'],
        });
      }
      if (hasStatus(rt, version)) {
        resources.push({ name: `${rt.plural}/status`, singularName: '', namespaced: rt.namespaced, kind: rt.kind, verbs: ['get', 'patch', 'update'] });
      }
      if (rt.key === '/namespaces') resources.push({ name: 'namespaces/finalize', singularName: '', namespaced: false, kind: 'Namespace', verbs: ['update'] });
      if (rt.key === '/pods') {
        resources.push({ name: 'pods/eviction', singularName: '', namespaced: true, group: 'policy', version: 'v1', kind: 'Eviction', verbs: ['create'] });
        resources.push(...POD_STREAMS.map((entry) => ({ ...entry })));
      }
    }
    return { kind: 'APIResourceList', apiVersion: 'v1', groupVersion: apiVersionOf(group, version), resources };
  }
}

/** Whether a resource serves `deletecollection` (namespaces do not: their storage has no collection delete). */
export function deletesCollections(rt: ResourceType): boolean {
  return rt.key !== '/namespaces';
}

/** Whether a resource has a status subresource in a given version. */
export function hasStatus(rt: ResourceType, version: string): boolean {
  return rt.crd ? (rt.crd.versions.get(version)?.status ?? false) : rt.statusSubresource;
}

/** The scale subresource of a resource in a given version, if it has one. */
export function scaleOf(rt: ResourceType, version: string): ScalePaths | undefined {
  return rt.crd ? rt.crd.versions.get(version)?.scale : rt.scale;
}
