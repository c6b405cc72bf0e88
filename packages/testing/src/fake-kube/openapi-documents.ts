/**
 * Serving the OpenAPI documents (internal). They are built on first request and kept until the
 * served resources change (a CRD installed, changed or removed gives the registry new resource
 * types), so starting the fake and serving other requests cost nothing. `/openapi/v2` negotiates as
 * kube-openapi's handler does: JSON for `application/json` (or no `Accept`), the gnostic protobuf
 * for `application/com.github.proto-openapi.spec.v2@v1.0+protobuf` (and its `.v1.0` spelling),
 * else 406 with an empty body; both with the ETag of the JSON (SHA-512, upper-case hex, quoted),
 * and 304 for a matching `If-None-Match`.
 */
import type { IncomingHttpHeaders, ServerResponse } from 'node:http';
import { encodeOpenApiV2 } from './openapi-protobuf.js';
import { openApiV2Document } from './openapi-v2.js';
import { documentHash, openApiV3Document, openApiV3Index } from './openapi-v3.js';
import type { Registry } from './registry.js';
import type { ResourceType } from './resource-type.js';
import type { JsonObject } from './types.js';

const PROTOBUF_V2 = 'application/com.github.proto-openapi.spec.v2.v1.0+protobuf';
const ACCEPTED = [
  { type: 'application/json', contentType: 'application/json', format: 'json' },
  { type: 'application/com.github.proto-openapi.spec.v2@v1.0+protobuf', contentType: PROTOBUF_V2, format: 'protobuf' },
  { type: PROTOBUF_V2, contentType: PROTOBUF_V2, format: 'protobuf' },
] as const;

/** `/openapi/v2` as JSON with its ETag, and the protobuf once asked for. */
interface V2Document {
  readonly json: Buffer;
  readonly etag: string;
  protobuf?: Buffer;
}

/** The documents of one set of served resources, each built when first asked for. */
export class OpenApiDocuments {
  private v2?: V2Document;
  private readonly v3 = new Map<string, { doc: JsonObject | undefined; hash: string }>();

  constructor(
    readonly rts: readonly ResourceType[],
    private readonly registry: Registry,
  ) {}

  /** `/openapi/v2` as JSON, and its ETag. */
  v2Json(): V2Document {
    if (!this.v2) {
      const json = Buffer.from(JSON.stringify(openApiV2Document(this.rts)));
      this.v2 = { json, etag: documentHash(json.toString('utf8')) };
    }
    return this.v2;
  }

  /** `/openapi/v2` as a gnostic `Document`. */
  v2Protobuf(): Buffer {
    const v2 = this.v2Json();
    v2.protobuf ??= encodeOpenApiV2(JSON.parse(v2.json.toString('utf8')) as JsonObject);
    return v2.protobuf;
  }

  /** The v3 document of a group version (undefined when nothing is served there), and its hash. */
  v3Document(group: string, version: string): { doc: JsonObject | undefined; hash: string } {
    const key = `${group}/${version}`;
    let entry = this.v3.get(key);
    if (!entry) {
      const doc = openApiV3Document(this.rts, group, version);
      entry = { doc, hash: documentHash(JSON.stringify(doc ?? null)) };
      this.v3.set(key, entry);
    }
    return entry;
  }

  /** `/openapi/v3`. */
  v3Index(): JsonObject {
    return openApiV3Index(this.registry.groups(), (group, version) => this.v3Document(group, version).hash);
  }
}

const cache = new WeakMap<Registry, OpenApiDocuments>();

/** The documents of the registry's current resources: the cached ones while its resource types are the same objects. */
export function openApiDocuments(registry: Registry): OpenApiDocuments {
  const rts = registry.all();
  const cached = cache.get(registry);
  if (cached && cached.rts.length === rts.length && cached.rts.every((rt, i) => rt === rts[i])) return cached;
  const fresh = new OpenApiDocuments(rts, registry);
  cache.set(registry, fresh);
  return fresh;
}

/** The first accepted format of an `Accept` header (goautoneg's order: by quality, then specificity), if any. */
function negotiate(accept: string): (typeof ACCEPTED)[number] | undefined {
  const clauses = (accept === '' ? '*/*' : accept).split(',').map((part, i) => {
    const [media = '', ...params] = part.split(';').map((s) => s.trim());
    const q = params.find((p) => p.startsWith('q='));
    return { media: media.toLowerCase(), q: q === undefined ? 1 : Number(q.slice(2)) || 0, i };
  });
  const specificity = (m: string) => (m === '*/*' ? 2 : m.endsWith('/*') ? 1 : 0);
  clauses.sort((a, b) => b.q - a.q || specificity(a.media) - specificity(b.media) || a.i - b.i);
  for (const { media, q } of clauses) {
    if (q <= 0) continue;
    const [type, subtype] = media.split('/');
    const found = ACCEPTED.find((a) => (type === '*' || a.type.startsWith(`${type}/`)) && (subtype === '*' || a.type.endsWith(`/${subtype}`)));
    if (found) return found;
  }
  return undefined;
}

/** Answers `GET /openapi/v2`; returns the HTTP status sent. */
export function serveOpenApiV2(registry: Registry, headers: IncomingHttpHeaders, res: ServerResponse): number {
  const format = negotiate(headers.accept ?? '');
  if (!format) {
    res.writeHead(406, { Vary: 'Accept', 'Cache-Control': 'no-cache, private', 'Content-Length': 0 });
    res.end();
    return 406;
  }
  const documents = openApiDocuments(registry);
  const { json, etag } = documents.v2Json();
  const common = { Vary: 'Accept', 'Cache-Control': 'no-cache, private', Etag: `"${etag}"` };
  if (headers['if-none-match'] === `"${etag}"`) {
    res.writeHead(304, common);
    res.end();
    return 304;
  }
  const body = format.format === 'json' ? json : documents.v2Protobuf();
  res.writeHead(200, { ...common, 'Content-Type': format.contentType, 'Content-Length': body.length });
  res.end(body);
  return 200;
}
