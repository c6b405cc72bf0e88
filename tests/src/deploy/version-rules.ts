/**
 * The manifests are written for current Kubernetes; the real server's lane runs 1.20. Where 1.20
 * predates what an object uses, a version rule (as the conformance suite's, citing upstream) says
 * how the object is sent to it instead, and the test reports which objects needed one.
 */
import type { KubeObject } from '@kubeception/sdk';
import { stripCelRules } from '@kubeception/testing';
import { VersionRules, type VersionRule } from '../conformance/lane/server.js';

/** The rules the deploy manifests need on servers older than their `since`. */
export const DeployVersionRules = {
  /** kubectl validates a CRD against the server's OpenAPI: 1.20's JSONSchemaProps has no `x-kubernetes-validations` ("unknown field"). */
  celRules: VersionRules.celRules,
  pdbPolicyV1: {
    id: 'pdb-policy-v1',
    since: 21,
    what: 'PodDisruptionBudget is served as policy/v1 from 1.21 (GA, with the same spec as policy/v1beta1); older servers serve only policy/v1beta1 and kubectl finds no policy/v1 kind',
    source: 'https://github.com/kubernetes/kubernetes/pull/99290',
  },
} as const satisfies Record<string, VersionRule>;

/** One rule: which objects it applies to, and the object as an older server takes it. */
interface Adaptation {
  readonly rule: VersionRule;
  readonly applies: (object: KubeObject) => boolean;
  readonly adapt: (object: KubeObject) => KubeObject;
}

const ADAPTATIONS: readonly Adaptation[] = [
  {
    rule: DeployVersionRules.celRules,
    applies: (o) => o.kind === 'CustomResourceDefinition' && JSON.stringify(o).includes('"x-kubernetes-validations"'),
    adapt: (o) => stripCelRules(o),
  },
  {
    rule: DeployVersionRules.pdbPolicyV1,
    applies: (o) => o.kind === 'PodDisruptionBudget' && o.apiVersion === 'policy/v1',
    adapt: (o) => ({ ...o, apiVersion: 'policy/v1beta1' }),
  },
];

/** `object` as a server of minor version `minor` (1.x) takes it, and the ids of the rules that changed it. */
export function forServer(object: KubeObject, minor: number): { readonly object: KubeObject; readonly rules: readonly string[] } {
  const applying = ADAPTATIONS.filter((a) => minor < a.rule.since && a.applies(object));
  return { object: applying.reduce((o, a) => a.adapt(o), object), rules: applying.map((a) => a.rule.id) };
}
