/**
 * A minimal OpenAPI v3 discovery (`/openapi/v3` and `/openapi/v3/<group-version>`): one PATCH
 * operation per resource with its GVK and the `fieldValidation` query parameter, which is what
 * kubectl checks before server-side field validation. No schemas are published (internal).
 */
import { createHash } from 'node:crypto';
import type { Registry } from './registry.js';
import { apiVersionOf } from './resource-type.js';
import type { JsonObject } from './types.js';

const PATCH_TYPES = ['application/json-patch+json', 'application/merge-patch+json', 'application/apply-patch+yaml'];

function gvPath(gv: string): string {
  return gv.includes('/') ? `apis/${gv}` : `api/${gv}`;
}

/** The OpenAPI document of one group version, or undefined when nothing is served there. */
export function openApiV3Doc(registry: Registry, group: string, version: string): JsonObject | undefined {
  const rts = registry.all().filter((rt) => rt.group === group && rt.versions.includes(version));
  if (rts.length === 0) return undefined;
  const prefix = `/${gvPath(apiVersionOf(group, version))}`;
  const paths: JsonObject = {};
  for (const rt of rts) {
    const item = `${rt.namespaced ? `${prefix}/namespaces/{namespace}` : prefix}/${rt.plural}/{name}`;
    const content = Object.fromEntries(PATCH_TYPES.map((t) => [t, { schema: { type: 'object' } }]));
    paths[item] = {
      patch: {
        operationId: `patch${rt.kind}`,
        'x-kubernetes-action': 'patch',
        'x-kubernetes-group-version-kind': { group, version, kind: rt.kind },
        parameters: ['dryRun', 'fieldManager', 'fieldValidation', 'force'].map((name) => ({
          name,
          in: 'query',
          schema: { type: name === 'force' ? 'boolean' : 'string', uniqueItems: true },
        })),
        requestBody: { content, required: true },
        responses: { '200': { description: 'OK' } },
      },
    };
  }
  return { openapi: '3.0.0', info: { title: 'Kubernetes', version: 'v1.32.0' }, paths, components: { schemas: {} } };
}

/** `/openapi/v3`: the group versions and their document URLs (hashed so clients cache them correctly). */
export function openApiV3Root(registry: Registry): JsonObject {
  const paths: JsonObject = {};
  for (const [group, versions] of registry.groups()) {
    for (const version of versions) {
      const doc = openApiV3Doc(registry, group, version);
      const hash = createHash('sha512').update(JSON.stringify(doc)).digest('hex').slice(0, 64).toUpperCase();
      const p = gvPath(apiVersionOf(group, version));
      paths[p] = { serverRelativeURL: `/openapi/v3/${p}?hash=${hash}` };
    }
  }
  return { paths };
}
