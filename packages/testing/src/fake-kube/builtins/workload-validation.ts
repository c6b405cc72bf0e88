/**
 * Deployment, ReplicaSet, DaemonSet and Job spec validation, the parts of kube-apiserver 1.32's
 * `pkg/apis/apps/validation` and `pkg/apis/batch/validation` clients rely on (internal):
 * non-negative `replicas`; a `selector` that is set, not empty and matches the template's labels,
 * immutable on update (apps/v1); the pod template's spec (`pod-validation.ts`) with `restartPolicy`
 * `Always` (Jobs: `OnFailure` or `Never`); a Deployment's strategy (`rollingUpdate` only with
 * `RollingUpdate`, `maxUnavailable` and `maxSurge` not both 0).
 * Not modelled: label selector syntax, percentages over 100%, `minReadySeconds`/
 * `progressDeadlineSeconds` relations, Job selectors and the Job fields' own rules.
 */
import { selectorString } from '../scale.js';
import { parseLabelSelector } from '../selectors.js';
import { deepEqual, isObject, type JsonObject, type KubeObject, type StatusCause } from '../types.js';
import { forbidden, goIntOrString, goLabelSelector, goStringMap, immutable, invalid, invalidShown, notSupported, required, str } from './causes.js';
import { podSpecErrors } from './pod-validation.js';

const specOf = (obj: KubeObject): JsonObject => (isObject(obj.spec) ? obj.spec : {});
const templateOf = (spec: JsonObject): JsonObject => (isObject(spec.template) ? spec.template : {});
const labelsOf = (template: JsonObject): unknown => (isObject(template.metadata) ? template.metadata.labels : undefined);

function nonNegative(spec: JsonObject, field: string, path: string): StatusCause[] {
  const v = spec[field];
  return typeof v === 'number' && v < 0 ? [invalid(`${path}.${field}`, v, 'must be greater than or equal to 0')] : [];
}

/** Whether a label selector object matches the template's labels (a missing selector matches nothing). */
function selects(selector: unknown, labels: unknown): boolean {
  if (!isObject(selector)) return false;
  const object = { metadata: { labels: isObject(labels) ? (labels as Record<string, string>) : {} } };
  return parseLabelSelector(selectorString(selector))(object);
}

const isEmptySelector = (s: unknown): boolean =>
  isObject(s) && Object.keys(isObject(s.matchLabels) ? s.matchLabels : {}).length + (Array.isArray(s.matchExpressions) ? s.matchExpressions.length : 0) === 0;

/** `ValidatePodTemplateSpecForReplicaSet`: labels matching the selector, the pod spec, `restartPolicy: Always`. */
function templateErrors(spec: JsonObject, path: string): StatusCause[] {
  const template = templateOf(spec);
  const errs: StatusCause[] = [];
  if (!isEmptySelector(spec.selector) && !selects(spec.selector, labelsOf(template)))
    errs.push(invalidShown(`${path}.template.metadata.labels`, goStringMap(labelsOf(template)), '`selector` does not match template `labels`'));
  const pod = isObject(template.spec) ? template.spec : {};
  errs.push(...podSpecErrors(pod, `${path}.template.spec`));
  if (str(pod.restartPolicy) !== 'Always' && str(pod.restartPolicy) !== '')
    errs.push(notSupported(`${path}.template.spec.restartPolicy`, str(pod.restartPolicy), ['Always']));
  return errs;
}

function selectorErrors(spec: JsonObject, path: string, kind: string): StatusCause[] {
  if (spec.selector === undefined || spec.selector === null) return [required(`${path}.selector`)];
  return isEmptySelector(spec.selector) ? [invalidShown(`${path}.selector`, goLabelSelector(spec.selector), `empty selector is invalid for ${kind}`)] : [];
}

const intOrPercent = (v: unknown): number => (typeof v === 'string' ? Number.parseInt(v, 10) || 0 : typeof v === 'number' ? v : 0);

function strategyErrors(spec: JsonObject, path: string): StatusCause[] {
  const strategy = isObject(spec.strategy) ? spec.strategy : {};
  const at = `${path}.strategy`;
  if (strategy.type === 'Recreate')
    return strategy.rollingUpdate === undefined || strategy.rollingUpdate === null
      ? []
      : [forbidden(`${at}.rollingUpdate`, "may not be specified when strategy `type` is 'Recreate'")];
  const rolling = isObject(strategy.rollingUpdate) ? strategy.rollingUpdate : undefined;
  if (strategy.type !== 'RollingUpdate' || rolling === undefined) return [];
  if (intOrPercent(rolling.maxUnavailable) === 0 && intOrPercent(rolling.maxSurge) === 0)
    return [invalidShown(`${at}.rollingUpdate.maxUnavailable`, goIntOrString(rolling.maxUnavailable), 'may not be 0 when `maxSurge` is 0')];
  return [];
}

function selectorUpdateErrors(obj: KubeObject, old: KubeObject | undefined): StatusCause[] {
  if (!old || deepEqual(specOf(obj).selector, specOf(old).selector)) return [];
  return [immutable('spec.selector', goLabelSelector(specOf(obj).selector))];
}

/** The causes of a Deployment (`old`: the stored one on an update). */
export function deploymentErrors(obj: KubeObject, old?: KubeObject): StatusCause[] {
  const spec = specOf(obj);
  return [
    ...nonNegative(spec, 'replicas', 'spec'),
    ...selectorErrors(spec, 'spec', 'deployment'),
    ...templateErrors(spec, 'spec'),
    ...strategyErrors(spec, 'spec'),
    ...nonNegative(spec, 'minReadySeconds', 'spec'),
    ...nonNegative(spec, 'revisionHistoryLimit', 'spec'),
    ...nonNegative(spec, 'progressDeadlineSeconds', 'spec'),
    ...selectorUpdateErrors(obj, old),
  ];
}

/** The causes of a ReplicaSet. */
export function replicaSetErrors(obj: KubeObject, old?: KubeObject): StatusCause[] {
  const spec = specOf(obj);
  return [
    ...nonNegative(spec, 'replicas', 'spec'),
    ...nonNegative(spec, 'minReadySeconds', 'spec'),
    ...selectorErrors(spec, 'spec', 'deployment'),
    ...templateErrors(spec, 'spec'),
    ...selectorUpdateErrors(obj, old),
  ];
}

/** The causes of a DaemonSet. */
export function daemonSetErrors(obj: KubeObject, old?: KubeObject): StatusCause[] {
  const spec = specOf(obj);
  const empty = spec.selector !== undefined && spec.selector !== null && isEmptySelector(spec.selector);
  return [
    ...templateErrors(spec, 'spec'),
    ...(empty ? [invalidShown('spec.selector', goLabelSelector(spec.selector), 'empty selector is invalid for daemonset')] : []),
    ...nonNegative(spec, 'minReadySeconds', 'spec'),
    ...selectorUpdateErrors(obj, old),
  ];
}

/** The causes of a Job: its pod template, with `restartPolicy` OnFailure or Never. */
export function jobErrors(obj: KubeObject): StatusCause[] {
  const spec = specOf(obj);
  const pod = isObject(templateOf(spec).spec) ? (templateOf(spec).spec as JsonObject) : {};
  const errs = [...nonNegative(spec, 'parallelism', 'spec'), ...nonNegative(spec, 'completions', 'spec'), ...nonNegative(spec, 'backoffLimit', 'spec')];
  errs.push(...podSpecErrors(pod, 'spec.template.spec'));
  const restart = str(pod.restartPolicy);
  if (restart === 'Always' || restart === '') errs.push(required('spec.template.spec.restartPolicy', 'valid values: "OnFailure", "Never"'));
  else if (restart !== 'OnFailure' && restart !== 'Never') errs.push(notSupported('spec.template.spec.restartPolicy', restart, ['OnFailure', 'Never']));
  return errs;
}
