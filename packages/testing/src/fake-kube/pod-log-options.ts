/**
 * The query parameters of `GET pods/<name>/log`, read and checked as kube-apiserver reads them
 * (the `PodLogOptions` query conversion, then pkg/apis/core/validation `ValidatePodLogOptions`,
 * before the pod is looked up: pkg/registry/core/pod/rest/log.go): an integer that does not parse
 * is a 400 in `strconv.ParseInt`'s words, a bad value a 422 `PodLogOptions "<pod>" is invalid`
 * (internal).
 */
import { badRequest, goQuote, invalid } from './status.js';
import type { StatusCause } from './types.js';

/** The flags the kubelet is asked for (`insecureSkipTLSVerifyBackend` only changes how kube-apiserver dials). */
const BOOLEANS = ['follow', 'previous', 'timestamps'] as const;
const INTEGERS = ['sinceSeconds', 'tailLines', 'limitBytes'] as const;

/** Read log options: the container asked for (`''`: none) and the kubelet query kube-apiserver would send. */
export interface PodLogOptions {
  readonly container: string;
  /** `follow=true&tailLines=3`, keys sorted as Go's `url.Values.Encode` sorts them. */
  readonly kubeletQuery: string;
}

/** A boolean query parameter as kube's conversion reads it: absent, `0` or `false` (any case) is false, anything else true. */
const isTrue = (value: string | null) => value !== null && value !== '0' && value.toLowerCase() !== 'false';

/** The integer parameters, or a 400 for one that does not parse as Go's `strconv.ParseInt` parses it. */
function integers(query: URLSearchParams): Partial<Record<(typeof INTEGERS)[number], number>> {
  const out: Partial<Record<(typeof INTEGERS)[number], number>> = {};
  for (const key of INTEGERS) {
    const raw = query.get(key);
    if (raw === null) continue;
    if (!/^[+-]?\d+$/.test(raw)) throw badRequest(`strconv.ParseInt: parsing ${goQuote(raw)}: invalid syntax`);
    out[key] = Number(raw);
  }
  return out;
}

/** `ValidatePodLogOptions`: its causes, in its order. */
function logOptionCauses(n: Partial<Record<(typeof INTEGERS)[number], number>>, hasSinceTime: boolean): StatusCause[] {
  const causes: StatusCause[] = [];
  const bad = (field: string, value: number, must: string) => causes.push({ reason: 'FieldValueInvalid', message: `Invalid value: ${value}: ${must}`, field });
  if (n.tailLines !== undefined && n.tailLines < 0) bad('tailLines', n.tailLines, 'must be greater than or equal to 0');
  if (n.limitBytes !== undefined && n.limitBytes < 1) bad('limitBytes', n.limitBytes, 'must be greater than 0');
  if (n.sinceSeconds !== undefined && hasSinceTime) {
    causes.push({ reason: 'FieldValueForbidden', message: 'Forbidden: at most one of `sinceTime` or `sinceSeconds` may be specified', field: '[]' });
  } else if (n.sinceSeconds !== undefined && n.sinceSeconds < 1) bad('sinceSeconds', n.sinceSeconds, 'must be greater than 0');
  return causes;
}

/** Reads and checks the log options of pod `pod`; throws the 400 or 422 kube-apiserver answers. */
export function podLogOptions(pod: string, query: URLSearchParams): PodLogOptions {
  const numbers = integers(query);
  const sinceTime = query.get('sinceTime') ?? '';
  const causes = logOptionCauses(numbers, sinceTime !== '');
  if (causes.length > 0) throw invalid({ group: '', kind: 'PodLogOptions' }, pod, causes);
  const kubelet = new URLSearchParams();
  for (const key of BOOLEANS) if (isTrue(query.get(key))) kubelet.set(key, 'true');
  for (const key of INTEGERS) if (numbers[key] !== undefined) kubelet.set(key, String(numbers[key]));
  if (sinceTime !== '') kubelet.set('sinceTime', sinceTime);
  kubelet.sort();
  return { container: query.get('container') ?? '', kubeletQuery: kubelet.toString() };
}
