/**
 * RFC 6902 JSON Patch (fast-json-patch) and RFC 7386 JSON Merge Patch (json-merge-patch),
 * with failures worded like kube-apiserver's (evanphx/json-patch) messages (internal).
 */
import fastJsonPatch, { type Operation } from 'fast-json-patch';
import mergePatch from 'json-merge-patch';
import { clone, isObject, type JsonObject } from './types.js';

/** A patch failure; the server answers 422 (a JSON patch's without its message, as kube-apiserver hides it). */
export class PatchError extends Error {}

/** A JSON patch body that does not decode as a list of operations; the server answers 400 with its message. */
export class PatchDecodeError extends Error {}

/** The JSON type name Go's decoder reports (`cannot unmarshal object into …`). */
export function goJsonType(v: unknown): string {
  if (Array.isArray(v)) return 'array';
  if (v === null) return 'null';
  return typeof v === 'object' ? 'object' : typeof v === 'boolean' ? 'bool' : typeof v;
}

/**
 * Applies a JSON Patch (add, remove, replace, move, copy, test) to a copy of `doc`, with the
 * semantics of the evanphx/json-patch v4 kube-apiserver uses: `replace` of a key an object lacks
 * adds it.
 */
export function applyJsonPatch(doc: JsonObject, patch: unknown): JsonObject {
  if (patch === null) return clone(doc);
  if (!Array.isArray(patch)) throw new PatchDecodeError(`json: cannot unmarshal ${goJsonType(patch)} into Go value of type jsonpatch.Patch`);
  const bad = patch.find((op) => !isObject(op));
  if (bad !== undefined) throw new PatchDecodeError(`json: cannot unmarshal ${goJsonType(bad)} into Go value of type jsonpatch.Operation`);
  let out: unknown = clone(doc);
  for (const op of patch as Operation[]) {
    const effective = op.op === 'replace' && lacksKey(out, op.path) ? ({ ...op, op: 'add' } as Operation) : op;
    try {
      out = fastJsonPatch.applyOperation(out, effective, true, true).newDocument;
    } catch (error) {
      throw new PatchError(kubeMessage(error));
    }
  }
  if (!isObject(out)) throw new PatchError('the patched document is not an object');
  return out;
}

/** Whether `path` names a key its parent, an object, does not have. */
function lacksKey(doc: unknown, path: unknown): boolean {
  if (typeof path !== 'string' || !path.startsWith('/')) return false;
  const at = path.lastIndexOf('/');
  let parent: unknown;
  try {
    parent = fastJsonPatch.getValueByPointer(doc, path.slice(0, at));
  } catch {
    return false;
  }
  const key = path
    .slice(at + 1)
    .replace(/~1/g, '/')
    .replace(/~0/g, '~');
  return isObject(parent) && !(key in parent);
}

/** RFC 7386: objects merge recursively, `null` deletes, anything else replaces. */
export function applyMergePatch(target: unknown, patch: unknown): unknown {
  return mergePatch.apply(clone(target), patch);
}

function kubeMessage(error: unknown): string {
  if (!(error instanceof fastJsonPatch.JsonPatchError)) return error instanceof Error ? error.message : String(error);
  const operation = (error.operation ?? {}) as { op?: string; path?: string };
  const { op = '', path = '' } = operation;
  switch (error.name) {
    case 'TEST_OPERATION_FAILED':
      return `testing value ${path} failed: test failed`;
    case 'OPERATION_OP_INVALID':
      return `Unexpected kind: ${op}`;
    case 'OPERATION_PATH_UNRESOLVABLE':
    case 'OPERATION_FROM_UNRESOLVABLE':
      return `${op} operation does not apply: doc is missing path: "${path}": missing value`;
    case 'OPERATION_PATH_CANNOT_ADD':
      return `doc is missing path: "${path}": missing value`;
    case 'OPERATION_PATH_ILLEGAL_ARRAY_INDEX':
    case 'OPERATION_VALUE_OUT_OF_BOUNDS':
      return `Unable to access invalid index: ${path.split('/').at(-1) ?? ''}: invalid index referenced: ${path}`;
    default:
      return error.message.split('\n')[0] ?? error.name;
  }
}
