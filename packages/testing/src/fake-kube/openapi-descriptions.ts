/**
 * What a built-in kind's OpenAPI schema says in words (internal): the descriptions and `required`
 * lists of @kubernetes/client-node's generated models, read from their declaration files
 * (`dist/gen/models/V1ConfigMap.d.ts`), where the generator wrote upstream's descriptions as TSDoc
 * (the class's: the definition's; each property's: the field's) and declared the required
 * properties without `?`. The package is found the way a consumer's install finds it (resolved
 * from this module), each model's file is read once, when the OpenAPI documents are first built,
 * and only for the models the served kinds reach.
 *
 * What the declarations lose, hence what differs from kube-apiserver's documents: newlines (the
 * generator wrote them as spaces), enum value lists (`Possible enum values: …`, absent), the
 * descriptions of fields whose type is another model (`metadata`, `spec`, `template`: the
 * generator drops them) or a named scalar or untyped value (IntOrString, MicroTime, FieldsV1,
 * apiextensions' JSON…: the generator wrote the type's description instead, which is dropped
 * here), and the order of `required` (upstream lists them in Go declaration order,
 * the declarations alphabetically). A model whose declaration cannot be found or read gets no
 * descriptions and no `required` list; the documents are still served.
 */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';

/** The words of one client-node model. */
export interface ModelDocs {
  /** The model's description (the class's comment). */
  readonly description?: string;
  /** Each property's description, by its TypeScript name (the attribute type map's `name`). */
  readonly properties: ReadonlyMap<string, string>;
  /** The properties declared without `?`, by TypeScript name, in declaration order. */
  readonly required: readonly string[];
}

const CLASS = /^export declare class \w+/;
const PROPERTY = /^ {4}'([^']+)'(\?)?:/;
const COMMENT_LINE = /^\s*\*(?: (.*))?$/;
/** A property comment that describes the field's type, not the field: the generator's, for named scalars and untyped values. */
const TYPE_DESCRIPTION = /^(?:IntOrString is a type |MicroTime is version of Time |FieldsV1 holds |JSON represents |JSONSchemaPropsOr\w+ represents )/;

let modelsFolder: string | null | undefined;
const cache = new Map<string, ModelDocs | undefined>();

/** client-node's generated models folder, or null when the package cannot be resolved. */
function folder(): string | null {
  if (modelsFolder === undefined) {
    try {
      modelsFolder = join(dirname(createRequire(import.meta.url).resolve('@kubernetes/client-node')), 'gen', 'models');
    } catch {
      modelsFolder = null;
    }
  }
  return modelsFolder;
}

/** The generator's escapes (`\'`, `\"`, `\\`) undone. */
const unescape = (text: string): string => text.replace(/\\(.)/g, '$1');

/** Reads a declaration file's class comment, property comments and required properties. */
export function parseModelDeclaration(source: string): ModelDocs {
  const properties = new Map<string, string>();
  const required: string[] = [];
  let description: string | undefined;
  let comment: string[] | undefined;
  let pending: string | undefined;
  for (const line of source.split('\n')) {
    const trimmed = line.trim();
    if (trimmed === '/**') comment = [];
    else if (comment !== undefined && trimmed === '*/') {
      pending = comment.length > 0 ? unescape(comment.join('\n')) : undefined;
      comment = undefined;
    } else if (comment !== undefined) comment.push(COMMENT_LINE.exec(line)?.[1] ?? trimmed);
    else {
      const property = PROPERTY.exec(line);
      if (property?.[1] !== undefined) {
        if (pending !== undefined && !TYPE_DESCRIPTION.test(pending)) properties.set(property[1], pending);
        if (property[2] === undefined) required.push(property[1]);
      } else if (CLASS.test(line)) description = pending;
      pending = undefined;
    }
  }
  return { ...(description !== undefined ? { description } : {}), properties, required };
}

/** The words of a client-node model (`V1ConfigMap`), or undefined when its declaration cannot be read. */
export function modelDocs(model: string): ModelDocs | undefined {
  if (cache.has(model)) return cache.get(model);
  const dir = folder();
  let docs: ModelDocs | undefined;
  if (dir !== null && /^\w+$/.test(model)) {
    try {
      docs = parseModelDeclaration(readFileSync(join(dir, `${model}.d.ts`), 'utf8'));
    } catch {
      docs = undefined;
    }
  }
  cache.set(model, docs);
  return docs;
}
