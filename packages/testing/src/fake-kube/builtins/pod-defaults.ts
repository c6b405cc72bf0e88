/**
 * Pod defaults, as kube-apiserver 1.32's `pkg/apis/core/v1/defaults.go` (internal), for Pods and
 * pod templates: `restartPolicy: Always`, `dnsPolicy: ClusterFirst`, `schedulerName:
 * default-scheduler`, `terminationGracePeriodSeconds: 30`, `securityContext: {}`; per container
 * `terminationMessagePath`, `terminationMessagePolicy: File`, `imagePullPolicy` (`Always` for a
 * `:latest` or untagged image, `IfNotPresent` otherwise), `resources: {}`, port protocols, probe
 * timings and HTTP probe path/scheme, `fieldRef.apiVersion`; volume default modes and `emptyDir`
 * for a volume without a source. Pods only: `enableServiceLinks: true`, requests defaulted from
 * limits, and on create `status.qosClass`.
 * Not modelled: the admission plugins' additions (DefaultTolerationSeconds' tolerations, Priority's
 * `priority`/`preemptionPolicy`, the ServiceAccount plugin's token volume).
 */
import { isObject, type JsonObject } from '../types.js';
import { objects } from './causes.js';

/** `ParseImageName`'s tag: `latest` when the image has neither tag nor digest. */
function imageTag(image: string): string {
  if (image === '' || image.includes('@')) return '';
  const last = image.slice(image.lastIndexOf('/') + 1);
  const colon = last.indexOf(':');
  return colon < 0 ? 'latest' : last.slice(colon + 1);
}

const ensure = (obj: JsonObject, key: string): JsonObject => {
  if (!isObject(obj[key])) obj[key] = {};
  return obj[key] as JsonObject;
};

function defaultProbe(probe: unknown): void {
  if (!isObject(probe)) return;
  probe.timeoutSeconds ??= 1;
  probe.periodSeconds ??= 10;
  probe.successThreshold ??= 1;
  probe.failureThreshold ??= 3;
  if (isObject(probe.httpGet)) {
    if (!probe.httpGet.path) probe.httpGet.path = '/';
    if (!probe.httpGet.scheme) probe.httpGet.scheme = 'HTTP';
  }
}

function defaultContainer(c: JsonObject): void {
  c.terminationMessagePath ||= '/dev/termination-log';
  c.terminationMessagePolicy ||= 'File';
  if (!c.imagePullPolicy) c.imagePullPolicy = imageTag(typeof c.image === 'string' ? c.image : '') === 'latest' ? 'Always' : 'IfNotPresent';
  ensure(c, 'resources');
  for (const p of objects(c.ports)) p.protocol ||= 'TCP';
  for (const probe of [c.livenessProbe, c.readinessProbe, c.startupProbe]) defaultProbe(probe);
  for (const env of objects(c.env)) {
    const ref = isObject(env.valueFrom) ? env.valueFrom.fieldRef : undefined;
    if (isObject(ref)) ref.apiVersion ||= 'v1';
  }
}

const SOURCES = ['secret', 'configMap', 'downwardAPI', 'projected'];

function defaultVolume(v: JsonObject): void {
  const sources = Object.keys(v).filter((k) => k !== 'name');
  if (sources.length === 0) v.emptyDir = {};
  for (const source of SOURCES) if (isObject(v[source])) (v[source] as JsonObject).defaultMode ??= 420;
}

/** Defaults a pod spec in place; `pod`: a Pod's own spec (not a template's). */
export function defaultPodSpec(spec: JsonObject, pod: boolean): void {
  spec.dnsPolicy ||= 'ClusterFirst';
  spec.restartPolicy ||= 'Always';
  ensure(spec, 'securityContext');
  spec.terminationGracePeriodSeconds ??= 30;
  spec.schedulerName ||= 'default-scheduler';
  if (pod) spec.enableServiceLinks ??= true;
  for (const c of [...objects(spec.initContainers), ...objects(spec.containers)]) {
    defaultContainer(c);
    if (pod) requestsFromLimits(c);
  }
  for (const v of objects(spec.volumes)) defaultVolume(v);
}

function requestsFromLimits(c: JsonObject): void {
  const resources = isObject(c.resources) ? c.resources : {};
  if (!isObject(resources.limits)) return;
  const requests = ensure(resources, 'requests');
  for (const [name, value] of Object.entries(resources.limits)) requests[name] ??= value;
}

const positive = (q: unknown): boolean => typeof q === 'string' && q !== '0' && !q.startsWith('-');

/**
 * `GetPodQOS`: BestEffort without cpu/memory requests or limits; Guaranteed when every container
 * limits both, with requests equal to limits; Burstable otherwise (compared per container).
 */
export function qosClass(spec: JsonObject): string {
  let any = false;
  let guaranteed = true;
  for (const c of [...objects(spec.initContainers), ...objects(spec.containers)]) {
    const r = isObject(c.resources) ? c.resources : {};
    const requests = isObject(r.requests) ? r.requests : {};
    const limits = isObject(r.limits) ? r.limits : {};
    for (const name of ['cpu', 'memory']) {
      if (positive(requests[name]) || positive(limits[name])) any = true;
      if (!positive(limits[name]) || (requests[name] !== undefined && requests[name] !== limits[name])) guaranteed = false;
    }
  }
  if (!any) return 'BestEffort';
  return guaranteed ? 'Guaranteed' : 'Burstable';
}
