/**
 * Content negotiation as kube-apiserver does it (internal). The `Accept` header passes two gates:
 * go-restful's route check (some entry is `*∕*` or a type the route produces, else 406 `406: Not
 * Acceptable`), then the apiserver's own (`NegotiateOutputMediaType`: the entries by quality, the
 * first whose type has a serializer and whose `as`/`g`/`v` parameters name a rendering the endpoint
 * offers; else 406 naming the accepted types). Responses are JSON or YAML (keys sorted, as
 * sigs.k8s.io/yaml writes them); protobuf is accepted but answered in JSON (not modelled).
 */
import type { ServerResponse } from 'node:http';
import { Document, isScalar, visit } from 'yaml';
import { notAcceptable } from './status.js';
import type { Rendering } from './table.js';

/** How a response body is encoded. */
export type Format = 'json' | 'yaml';

/** What the client gets: an encoding and a rendering (the object, a Table, or PartialObjectMetadata). */
export interface Negotiated {
  readonly format: Format;
  readonly rendering: Rendering;
}

/** The media types resource endpoints produce, as every 406 and 415 of the server lists them. */
export const MEDIA_TYPES = ['application/json', 'application/yaml', 'application/vnd.kubernetes.protobuf'] as const;
const JSON_ANSWER: Negotiated = { format: 'json', rendering: 'json' };

interface Clause {
  readonly type: string;
  readonly subtype: string;
  readonly q: number;
  readonly params: ReadonlyMap<string, string>;
}

/** goautoneg's `ParseAccept`: clauses by quality, then specificity (`a/b` before `a/*` before `*∕*`). */
function parseAccept(accept: string): Clause[] {
  const clauses = accept.split(',').map((part): Clause => {
    const [media = '', ...rest] = part.split(';').map((s) => s.trim());
    const [type = '', subtype = ''] = media.toLowerCase().split('/');
    const params = new Map(rest.map((p) => p.split('=').map((s) => s.trim()) as [string, string]));
    const q = params.has('q') ? Number(params.get('q')) : 1;
    params.delete('q');
    return { type, subtype, q: Number.isNaN(q) ? 0 : q, params };
  });
  const rank = (c: Clause) => (c.type === '*' ? 2 : c.subtype === '*' ? 1 : 0);
  return clauses
    .map((c, i) => ({ c, i }))
    .sort((a, b) => b.c.q - a.c.q || rank(a.c) - rank(b.c) || a.i - b.i)
    .map(({ c }) => c);
}

/** go-restful's `matchesAccept`: some entry is `*∕*` or, without its parameters, a produced type. */
function routeAccepts(accept: string): boolean {
  return accept.split(',').some((part) => {
    const media = (part.split(';')[0] ?? '').trim().toLowerCase();
    return media === '*/*' || (MEDIA_TYPES as readonly string[]).includes(media);
  });
}

/** The encoding of a clause's type, if the server has a serializer for it. */
function formatOf(c: Clause): Format | undefined {
  if (c.type === '*' || (c.type === 'application' && (c.subtype === '*' || c.subtype === 'json' || c.subtype === 'vnd.kubernetes.protobuf'))) return 'json';
  return c.type === 'application' && c.subtype === 'yaml' ? 'yaml' : undefined;
}

/** The rendering a clause's `as`/`g`/`v` ask for, if the endpoint offers it (`transforms`: Table and PartialObjectMetadata). */
function renderingOfClause(c: Clause, transforms: boolean): Rendering | undefined {
  const as = c.params.get('as');
  if (as === undefined) return 'json';
  if (!transforms || c.params.get('g') !== 'meta.k8s.io' || !['v1', 'v1beta1'].includes(c.params.get('v') ?? '')) return undefined;
  if (as === 'Table') return 'table';
  return as === 'PartialObjectMetadata' || as === 'PartialObjectMetadataList' ? 'metadata' : undefined;
}

/** Negotiates a resource response; throws 406 NotAcceptable as kube-apiserver answers it. */
export function negotiate(accept: string | undefined, transforms = true): Negotiated {
  if (accept === undefined || accept.trim() === '') return JSON_ANSWER;
  // clients send the same few Accept headers on every request: their answers are kept
  const key = transforms ? accept : `\0${accept}`;
  const known = NEGOTIATED.get(key);
  if (known !== undefined) return known;
  const answer = negotiated(accept, transforms);
  if (NEGOTIATED.size >= NEGOTIATED_KEPT) NEGOTIATED.clear();
  NEGOTIATED.set(key, answer);
  return answer;
}

/** Answers of {@link negotiate} by Accept header (a `\0` prefix: without transforms); at most {@link NEGOTIATED_KEPT}. */
const NEGOTIATED = new Map<string, Negotiated>();
const NEGOTIATED_KEPT = 256;

function negotiated(accept: string, transforms: boolean): Negotiated {
  if (!routeAccepts(accept)) throw notAcceptable('406: Not Acceptable', {});
  for (const clause of parseAccept(accept)) {
    // a quality of 0 does not refuse a type: kube-apiserver answers `*/*;q=0` in JSON
    const format = formatOf(clause);
    const rendering = format && renderingOfClause(clause, transforms);
    if (format && rendering) return Object.freeze({ format, rendering });
  }
  throw notAcceptable(`only the following media types are accepted: ${MEDIA_TYPES.join(', ')}`);
}

/** The encoding of an error's Status: as negotiated without renderings, JSON when that fails (`ErrorNegotiated`). */
export function errorFormat(accept: string | undefined): Format {
  try {
    return negotiate(accept, false).format;
  } catch {
    return 'json';
  }
}

/** Strings go-yaml v2 would read back as something else (YAML 1.1 booleans, timestamps): sigs.k8s.io/yaml quotes them. */
const YAML11_IMPLICIT = /^(y|Y|yes|Yes|YES|n|N|no|No|NO|on|On|ON|off|Off|OFF|\d{4}-\d\d?-\d\d?([Tt ].*)?)$/;

/** `body` as YAML, keys sorted, sequences not indented, strings quoted where YAML 1.1 would misread them. */
export function toYaml(body: unknown): string {
  const doc = new Document(body, { sortMapEntries: true });
  visit(doc, {
    Scalar(_key, node) {
      if (isScalar(node) && typeof node.value === 'string' && YAML11_IMPLICIT.test(node.value)) node.type = 'QUOTE_DOUBLE';
    },
  });
  return doc.toString({ indentSeq: false, lineWidth: 0 });
}

/** Sends `body` encoded as negotiated. */
export function sendEncoded(res: ServerResponse, code: number, body: unknown, format: Format, headers: Record<string, string> = {}): void {
  const text = format === 'yaml' ? toYaml(body) : JSON.stringify(body);
  const contentType = format === 'yaml' ? 'application/yaml' : 'application/json';
  res.writeHead(code, { 'Content-Type': contentType, 'Content-Length': Buffer.byteLength(text), 'Cache-Control': 'no-cache, private', ...headers });
  res.end(text);
}
