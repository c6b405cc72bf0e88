/**
 * RFC 6902 JSON Patch (fast-json-patch) and RFC 7386 JSON Merge Patch (json-merge-patch),
 * with failures worded like kube-apiserver's (evanphx/json-patch) messages (internal).
 */
import fastJsonPatch, { type Operation } from 'fast-json-patch';
import mergePatch from 'json-merge-patch';
import { clone, isObject, type JsonObject } from './types.js';

/** A patch failure; the server answers 422 with its message. */
export class PatchError extends Error {}

/** Applies a JSON Patch (add, remove, replace, move, copy, test) to a copy of `doc`. */
export function applyJsonPatch(doc: JsonObject, patch: unknown): JsonObject {
  if (!Array.isArray(patch)) throw new PatchError('json: cannot unmarshal object into Go value of type jsonpatch.Patch');
  let out: unknown;
  try {
    out = fastJsonPatch.applyPatch(clone(doc), patch as Operation[], true, true).newDocument;
  } catch (error) {
    throw new PatchError(kubeMessage(error));
  }
  if (!isObject(out)) throw new PatchError('the patched document is not an object');
  return out;
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
