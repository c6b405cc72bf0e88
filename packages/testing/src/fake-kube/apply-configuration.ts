/** Reading the body of a server-side apply (internal): YAML, of which JSON is a subset. */
import { parse as parseYaml } from 'yaml';
import { badRequest } from './status.js';
import { isObject, type JsonObject } from './types.js';

/**
 * An apply body: YAML, of which JSON is a subset. Clients (client-node, kubectl) send JSON, which
 * `JSON.parse` reads many times faster than a YAML parser; anything else is read as YAML.
 */
function parseApplyBody(raw: string): unknown {
  if (raw.trimStart().startsWith('{')) {
    try {
      return JSON.parse(raw) as unknown;
    } catch {
      // not JSON after all (YAML flow style): the YAML parser decides
    }
  }
  return parseYaml(raw);
}

/**
 * The apply configuration in `raw`, which must be an object of `apiVersion` and `kind`; otherwise
 * 400 Bad Request, worded as kube-apiserver words it.
 */
export function applyConfiguration(raw: string, apiVersion: string, kind: string): JsonObject {
  let config: unknown;
  try {
    config = parseApplyBody(raw);
  } catch (e) {
    throw badRequest(`error decoding YAML: ${(e as Error).message}`);
  }
  if (!isObject(config)) throw badRequest('error decoding YAML: the apply configuration is not an object');
  if (config.kind !== kind || config.apiVersion !== apiVersion) {
    throw badRequest(`invalid object type: ${String(config.apiVersion ?? '')}, Kind=${String(config.kind ?? '')}`);
  }
  return config;
}
