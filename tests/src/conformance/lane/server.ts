/**
 * Which API server a conformance file runs against, and the version rules that let one case hold
 * on both. The suite runs as two vitest projects over the same files (see the root
 * vitest.config.ts): `conformance:fake` (a fresh fake per file) and `conformance:kube-apiserver`
 * (one real server per run, from `global-setup.ts`).
 */
import { inject, TestRunner } from 'vitest';

/** What the project provides: the fake, or a real server (its kubeconfig and version), or why the real one cannot run. */
export type ConformanceServer =
  | { readonly name: 'fake' }
  | {
      readonly name: 'kube-apiserver';
      readonly kubeconfigYaml?: string;
      readonly version?: { readonly major: number; readonly minor: number; readonly gitVersion: string };
      readonly skip?: string;
    };

declare module 'vitest' {
  export interface ProvidedContext {
    conformanceServer: ConformanceServer;
  }
}

/** The server of this project (the fake when run outside the conformance projects). */
export function conformanceServer(): ConformanceServer {
  try {
    return inject('conformanceServer') ?? { name: 'fake' };
  } catch {
    return { name: 'fake' };
  }
}

/**
 * A known, cited difference between the Kubernetes version the fake follows (current) and an older
 * real server: the case asserts the old server's documented behaviour there, and the run's summary
 * counts the cases that needed a rule.
 */
export interface VersionRule {
  /** Short id, printed in the summary. */
  readonly id: string;
  /** The first minor version (1.x) with today's behaviour. */
  readonly since: number;
  /** What differs. */
  readonly what: string;
  /** Where upstream says so (KEP, changelog or source). */
  readonly source: string;
}

/** The version rules the cases use. */
export const VersionRules = {
  celRules: {
    id: 'cel-validation-rules',
    since: 25,
    what: 'x-kubernetes-validations (CEL rules) are enforced from 1.25 (beta, on by default); older servers do not know the field, and the envtest lane strips it',
    source: 'https://github.com/kubernetes/enhancements/tree/master/keps/sig-api-machinery/2876-crd-validation-expression-language',
  },
  fieldValidation: {
    id: 'field-validation',
    since: 25,
    what: 'the fieldValidation query parameter (Strict/Warn/Ignore) is honoured from 1.25 (beta, on by default); older servers ignore it and drop unknown fields silently',
    source: 'https://github.com/kubernetes/enhancements/tree/master/keps/sig-api-machinery/2885-server-side-unknown-field-validation',
  },
  managedFieldsSubresource: {
    id: 'managed-fields-subresource',
    since: 22,
    what: 'managedFields entries of writes through a subresource carry `subresource` (e.g. "status") from 1.22; older servers leave it out',
    source: 'https://github.com/kubernetes/kubernetes/pull/100970',
  },
  namespaceNameLabel: {
    id: 'namespace-name-label',
    since: 21,
    what: 'namespaces get the immutable label kubernetes.io/metadata.name (their name) from 1.21 (NamespaceDefaultLabelName, beta and on by default); older servers add no label',
    source: 'https://github.com/kubernetes/kubernetes/pull/96968',
  },
  patchStrictDecoding: {
    id: 'patch-strict-decoding',
    since: 25,
    what: 'patch bodies are decoded strictly from 1.25 (fieldValidation, on by default as Warn): a JSON patch that is no list of operations, or a merge patch that is no object, is a 400 `error decoding patch: …`; older servers decode them loosely (a merge patch that is a list replaces the object, which then fails to decode: 422 on `patch`)',
    source: 'https://github.com/kubernetes/kubernetes/pull/105916',
  },
  openapiErrorCodes: {
    id: 'openapi-error-codes',
    since: 24,
    what: 'custom-object schema errors carry their own reasons (FieldValueTypeInvalid, FieldValueTooLong) and list indexes in the field path from 1.24; older servers report FieldValueInvalid with the index left out',
    source: 'https://github.com/kubernetes/kubernetes/pull/108859',
  },
  daemonSetMaxSurge: {
    id: 'daemonset-max-surge',
    since: 22,
    what: 'DaemonSets default updateStrategy.rollingUpdate.maxSurge to 0 once DaemonSetUpdateSurge is on by default (beta, 1.22); older servers leave it out',
    source: 'https://github.com/kubernetes/enhancements/tree/master/keps/sig-apps/1591-daemonset-surge',
  },
  secretAuthKeyPaths: {
    id: 'secret-auth-key-paths',
    since: 24,
    what: 'basic-auth and ssh-auth Secrets missing their keys report data[username]/data[ssh-privatekey] from 1.24; older servers print the field as data[%s][username]',
    source: 'https://github.com/kubernetes/kubernetes/pull/106179',
  },
  serviceIpFamilies: {
    id: 'service-ip-families',
    since: 21,
    what: 'Services with a cluster IP get ipFamilies and ipFamilyPolicy once IPv6DualStack is on by default (beta, 1.21); older servers leave them out',
    source: 'https://github.com/kubernetes/enhancements/tree/master/keps/sig-network/563-dual-stack',
  },
  serviceInternalTrafficPolicy: {
    id: 'service-internal-traffic-policy',
    since: 22,
    what: 'Services default internalTrafficPolicy to Cluster once ServiceInternalTrafficPolicy is on by default (beta, 1.22); older servers leave it out',
    source: 'https://github.com/kubernetes/enhancements/tree/master/keps/sig-network/2086-service-internal-traffic-policy',
  },
  tooLongMessage: {
    id: 'too-long-message',
    since: 32,
    what: 'FieldValueTooLong causes say "may not be more than N bytes" from 1.32 (TooLong and TooLongMaxLength merged); older servers say "must have at most N bytes"',
    source: 'https://github.com/kubernetes/kubernetes/pull/128553',
  },
  selfSubjectReview: {
    id: 'self-subject-review',
    since: 28,
    what: 'SelfSubjectReview (`kubectl auth whoami`) is served as authentication.k8s.io/v1 from 1.28 (its beta API of 1.27 is off by default); older servers answer 404 and kubectl says the API is not enabled',
    source: 'https://github.com/kubernetes/kubernetes/pull/117713',
  },
  openApiV3: {
    id: 'openapi-v3',
    since: 24,
    what: 'OpenAPI v3 (`/openapi/v3` and its per-group-version documents) is served from 1.24 (OpenAPIV3 beta, on by default; alpha and off in 1.23); older servers answer 404 and clients fall back to /openapi/v2',
    source: 'https://github.com/kubernetes/kubernetes/pull/109031',
  },
} as const satisfies Record<string, VersionRule>;

/**
 * Whether `rule` applies on this project's server (a real server older than `rule.since`); records
 * the rule on the current test for the summary when it does.
 *
 * @example
 * ```ts
 * if (appliesHere(VersionRules.fieldValidation)) expect(created.isOk()).toBe(true);
 * else expect(created._unsafeUnwrapErr().code).toBe(400);
 * ```
 */
export function appliesHere(rule: VersionRule): boolean {
  const server = conformanceServer();
  const applies = server.name === 'kube-apiserver' && server.version !== undefined && server.version.minor < rule.since;
  if (applies) {
    const test = TestRunner.getCurrentTest();
    if (test) test.meta.versionRules = [...new Set([...(test.meta.versionRules ?? []), rule.id])];
  }
  return applies;
}

declare module 'vitest' {
  interface TaskMeta {
    /** The version rules a conformance case needed on this server. */
    versionRules?: readonly string[];
  }
}
