/** CRDs for a real server: CEL rules stripped for old servers, created, and waited for until served. */
import type { AdminHttp } from './admin-http.js';
import { waitUntil } from './admin-http.js';
import { EnvtestError, EnvtestErrorKind } from './errors.js';

type Json = Record<string, unknown>;
const isJson = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v);

/** Schema keywords whose values are data, not schemas: never walked into. */
const DATA_KEYWORDS = new Set(['default', 'example', 'enum']);

function stripSchema(schema: unknown): unknown {
  if (Array.isArray(schema)) return schema.map(stripSchema);
  if (!isJson(schema)) return schema;
  return Object.fromEntries(
    Object.entries(schema)
      .filter(([key]) => key !== 'x-kubernetes-validations')
      .map(([key, value]) => [key, DATA_KEYWORDS.has(key) ? value : stripSchema(value)]),
  );
}

/**
 * A copy of `crd` without `x-kubernetes-validations` (CEL rules) anywhere in its versions'
 * schemas, for servers that predate CEL validation (before 1.25; 1.20 answers 500 to a server-side
 * apply of a CRD carrying them). Everything else, defaults and examples included, is kept.
 */
export function stripCelRules<T extends object>(crd: T): T {
  if (!isJson(crd) || !isJson(crd.spec) || !Array.isArray(crd.spec.versions)) return crd;
  const versions = crd.spec.versions.map((version: unknown) => {
    if (!isJson(version) || !isJson(version.schema)) return version;
    return { ...version, schema: { ...version.schema, openAPIV3Schema: stripSchema(version.schema.openAPIV3Schema) } };
  });
  return { ...crd, spec: { ...crd.spec, versions } } as T;
}

const CRDS_PATH = '/apis/apiextensions.k8s.io/v1/customresourcedefinitions';

/** The CRD's name and the list paths of its served versions. */
function servedPaths(crd: object): { name: string; paths: string[] } {
  const c = crd as { metadata?: { name?: string }; spec?: { group?: string; names?: { plural?: string }; versions?: { name?: string; served?: boolean }[] } };
  const name = c.metadata?.name ?? '';
  const versions = (c.spec?.versions ?? []).filter((v) => v.served !== false && v.name !== undefined);
  return { name, paths: versions.map((v) => `/apis/${c.spec?.group ?? ''}/${v.name}/${c.spec?.names?.plural ?? ''}?limit=1`) };
}

const established = (body: string): boolean => {
  try {
    const conditions = (JSON.parse(body) as { status?: { conditions?: { type?: string; status?: string }[] } }).status?.conditions ?? [];
    return conditions.some((c) => c.type === 'Established' && c.status === 'True');
  } catch {
    return false;
  }
};

/**
 * Creates `crds` and waits until each is Established and every served version answers a list
 * (discovery and the REST handler are up), as controller-runtime's envtest does. Throws
 * `SeedFailed` when the server refuses one, `NotReady` when one is never served.
 */
export async function installCrds(request: AdminHttp, crds: readonly object[], timeoutMs: number): Promise<void> {
  for (const crd of crds) {
    const created = await request('POST', CRDS_PATH, crd);
    if (created.status !== 201) {
      throw new EnvtestError(EnvtestErrorKind.SeedFailed, `creating CRD ${servedPaths(crd).name || '(no name)'} answered ${created.status}: ${created.body}`);
    }
  }
  for (const crd of crds) {
    const { name, paths } = servedPaths(crd);
    await waitUntil(
      `CRD ${name}`,
      async () => {
        const got = await request('GET', `${CRDS_PATH}/${name}`);
        if (!established(got.body)) return `not Established (${got.status})`;
        for (const path of paths) {
          const listed = await request('GET', path);
          if (listed.status !== 200) return `GET ${path} answered ${listed.status}`;
        }
        return true;
      },
      { timeoutMs },
    );
  }
}
