/**
 * ConfigMap and Secret validation, as kube-apiserver 1.32's `ValidateConfigMap` and
 * `ValidateSecret` (internal): keys of `data` (and `binaryData`) are config keys, a key may not be in
 * both, the values total at most 1 MiB (`[]` for ConfigMaps, `data` for Secrets), and each Secret
 * type has its required keys (`kubernetes.io/tls`: `tls.crt` and `tls.key`; dockercfg and
 * dockerconfigjson: their key, holding JSON; `basic-auth`: `username` or `password`; `ssh-auth`:
 * a non-empty `ssh-privatekey`; `service-account-token`: the service account annotation).
 * Keys are checked in the object's order (Go walks maps in random order).
 */
import { configMapKeyErrors } from '../name-formats.js';
import { isObject, type KubeObject, type StatusCause } from '../types.js';
import { invalid, invalidShown, required, str, tooLong } from './causes.js';

/** `core.MaxSecretSize`, the limit of a ConfigMap's and a Secret's values. */
const MAX_SIZE = 1024 * 1024;
const REDACTED = '"<secret contents redacted>"';

const entries = (map: unknown): [string, string][] => (isObject(map) ? Object.entries(map).map(([k, v]) => [k, str(v)]) : []);
const decodedLength = (base64: string): number => Buffer.from(base64, 'base64').length;

function keyErrors(field: string, key: string): StatusCause[] {
  return configMapKeyErrors(key).map((m) => invalid(`${field}[${key}]`, key, m));
}

/** The causes of a ConfigMap (empty when valid). */
export function configMapErrors(obj: KubeObject): StatusCause[] {
  const errs: StatusCause[] = [];
  const binary = new Map(entries(obj.binaryData));
  let size = 0;
  for (const [key, value] of entries(obj.data)) {
    errs.push(...keyErrors('data', key));
    if (binary.has(key)) errs.push(invalid(`data[${key}]`, key, 'duplicate of key present in binaryData'));
    size += Buffer.byteLength(value, 'utf8');
  }
  for (const [key, value] of binary) {
    errs.push(...keyErrors('binaryData', key));
    size += decodedLength(value);
  }
  if (size > MAX_SIZE) errs.push(tooLong('[]', MAX_SIZE));
  return errs;
}

/**
 * What `json.Unmarshal(b, &map[string]interface{}{})` says of `text` (undefined when it decodes):
 * the wording for truncated input and for JSON that is not an object; other syntax errors are
 * reported at the character JavaScript's parser stopped at.
 */
function goJsonMapError(text: string): string | undefined {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (e) {
    const message = (e as Error).message;
    const at = Number(/position (\d+)/.exec(message)?.[1] ?? text.length);
    if (at >= text.trimEnd().length || /end of JSON input|Unterminated/.test(message)) return 'unexpected end of JSON input';
    return `invalid character '${text[at] ?? ''}' looking for beginning of value`;
  }
  if (value === null || isObject(value)) return undefined;
  const kind = Array.isArray(value) ? 'array' : typeof value === 'boolean' ? 'bool' : typeof value;
  return `json: cannot unmarshal ${kind} into Go value of type map[string]interface {}`;
}

function dockerConfigErrors(data: Map<string, string>, key: string): StatusCause[] {
  const value = data.get(key);
  if (value === undefined) return [required(`data[${key}]`)];
  const error = goJsonMapError(Buffer.from(value, 'base64').toString('utf8'));
  return error === undefined ? [] : [invalidShown(`data[${key}]`, REDACTED, error)];
}

function typedSecretErrors(obj: KubeObject, data: Map<string, string>): StatusCause[] {
  switch (obj.type) {
    case 'kubernetes.io/service-account-token': {
      const name = obj.metadata.annotations?.['kubernetes.io/service-account.name'] ?? '';
      return name === '' ? [required('metadata.annotations[kubernetes.io/service-account.name]')] : [];
    }
    case 'kubernetes.io/dockercfg':
      return dockerConfigErrors(data, '.dockercfg');
    case 'kubernetes.io/dockerconfigjson':
      return dockerConfigErrors(data, '.dockerconfigjson');
    case 'kubernetes.io/basic-auth':
      return data.has('username') || data.has('password') ? [] : [required('data[username]'), required('data[password]')];
    case 'kubernetes.io/ssh-auth':
      return decodedLength(data.get('ssh-privatekey') ?? '') === 0 ? [required('data[ssh-privatekey]')] : [];
    case 'kubernetes.io/tls':
      return ['tls.crt', 'tls.key'].filter((k) => !data.has(k)).map((k) => required(`data[${k}]`));
    default:
      return [];
  }
}

/** The causes of a Secret (empty when valid); its `stringData` is already merged into `data`. */
export function secretErrors(obj: KubeObject): StatusCause[] {
  const data = new Map(entries(obj.data));
  const errs: StatusCause[] = [];
  let size = 0;
  for (const [key, value] of data) {
    errs.push(...keyErrors('data', key));
    size += decodedLength(value);
  }
  if (size > MAX_SIZE) errs.push(tooLong('data', MAX_SIZE));
  errs.push(...typedSecretErrors(obj, data));
  return errs;
}
