/**
 * Workload defaults, as kube-apiserver 1.32's `pkg/apis/apps/v1/defaults.go` and
 * `pkg/apis/batch/v1/defaults.go` (internal), plus what the registries set on create and update:
 * - Deployment: `replicas: 1`, `strategy: RollingUpdate` with `maxUnavailable`/`maxSurge` 25%,
 *   `revisionHistoryLimit: 10`, `progressDeadlineSeconds: 600`;
 * - ReplicaSet: `replicas: 1`;
 * - DaemonSet: `updateStrategy: RollingUpdate` with `maxUnavailable: 1`, `maxSurge: 0`,
 *   `revisionHistoryLimit: 10`, the `deprecated.daemonset.template.generation` annotation (1, then
 *   bumped when the template changes) and the counters of its status;
 * - Job: `parallelism` and `completions` 1 (when neither is set), `backoffLimit: 6`;
 * and the pod template's defaults (`pod-defaults.ts`).
 * Not modelled: a Job's generated selector and labels, `completionMode`, `suspend`,
 * `podReplacementPolicy`; `creationTimestamp: null` in templates' metadata.
 */
import { deepEqual, isObject, type JsonObject, type KubeObject } from '../types.js';
import { defaultPodSpec } from './pod-defaults.js';

const ensure = (obj: JsonObject, key: string): JsonObject => {
  if (!isObject(obj[key])) obj[key] = {};
  return obj[key] as JsonObject;
};

function defaultTemplate(spec: JsonObject): void {
  const template = spec.template;
  if (isObject(template) && isObject(template.spec)) defaultPodSpec(template.spec, false);
}

function deployment(spec: JsonObject): void {
  spec.replicas ??= 1;
  const strategy = ensure(spec, 'strategy');
  strategy.type ||= 'RollingUpdate';
  if (strategy.type === 'RollingUpdate') {
    const rolling = ensure(strategy, 'rollingUpdate');
    rolling.maxUnavailable ??= '25%';
    rolling.maxSurge ??= '25%';
  }
  spec.revisionHistoryLimit ??= 10;
  spec.progressDeadlineSeconds ??= 600;
}

const TEMPLATE_GENERATION = 'deprecated.daemonset.template.generation';
const DAEMON_STATUS = ['currentNumberScheduled', 'numberMisscheduled', 'desiredNumberScheduled', 'numberReady'];

function daemonSet(obj: KubeObject, spec: JsonObject, old?: KubeObject): void {
  const strategy = ensure(spec, 'updateStrategy');
  strategy.type ||= 'RollingUpdate';
  if (strategy.type === 'RollingUpdate') {
    const rolling = ensure(strategy, 'rollingUpdate');
    rolling.maxUnavailable ??= 1;
    rolling.maxSurge ??= 0;
  }
  spec.revisionHistoryLimit ??= 10;
  const before = Number(old?.metadata.annotations?.[TEMPLATE_GENERATION] ?? 0);
  const changed = !old || !deepEqual(spec.template, isObject(old.spec) ? old.spec.template : undefined);
  const generation = changed ? before + 1 : before;
  if (generation > 0) obj.metadata.annotations = { ...obj.metadata.annotations, [TEMPLATE_GENERATION]: String(generation) };
  if (isObject(obj.status)) for (const k of DAEMON_STATUS) obj.status[k] ??= 0;
}

/** Defaults a workload in place (`old`: the stored object on an update). */
export function defaultWorkload(key: string, obj: KubeObject, old?: KubeObject): void {
  const spec = ensure(obj as JsonObject, 'spec');
  if (key === 'apps/deployments') deployment(spec);
  else if (key === 'apps/replicasets') spec.replicas ??= 1;
  else if (key === 'apps/daemonsets') daemonSet(obj, spec, old);
  else if (key === 'batch/jobs') {
    if (spec.parallelism === undefined && spec.completions === undefined) {
      spec.parallelism = 1;
      spec.completions = 1;
    }
    spec.parallelism ??= 1;
    spec.backoffLimit ??= 6;
  }
  defaultTemplate(spec);
}
